import { readdirSync, readFileSync } from 'node:fs';
import { parseYaml } from '../core/contract/yaml.js';
import type { OpenApiDocument } from '../core/contract/spec.js';
import { packagePath } from '../core/paths.js';

/** One OpenAPI document found in `openapi/`, as the docs page serves it. */
export interface CatalogSpec {
  /** File name without `.yaml`: `nova`, `norcap`, `sandbox`. */
  name: string;
  document: OpenApiDocument;
  /** The file as written, for `/openapi/<name>.yaml`. */
  yaml: string;
}

/** Mocked APIs first, in the README's order, then the sandbox's own controls, then any other. */
const ORDER = ['nova', 'norcap', 'sandbox'];

let cached: readonly CatalogSpec[] | undefined;

/**
 * Every spec in the package's `openapi/` folder, read and parsed once per process. A spec that is
 * not there (an API still being written) is simply not listed.
 *
 * @example
 * specCatalog().map((s) => s.name); // ['nova', 'norcap', 'sandbox']
 */
export function specCatalog(): readonly CatalogSpec[] {
  cached ??= readdirSync(packagePath('openapi'))
    .filter((file) => file.endsWith('.yaml'))
    .map((file) => {
      const yaml = readFileSync(packagePath('openapi', file), 'utf8');
      return { name: file.slice(0, -'.yaml'.length), yaml, document: parseYaml(yaml) as OpenApiDocument };
    })
    .sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
  return cached;
}

function rank(name: string): number {
  const index = ORDER.indexOf(name);
  return index === -1 ? ORDER.length : index;
}

/** One documented operation, for the page's list. */
export interface CatalogOperation {
  method: string;
  path: string;
  operationId: string | undefined;
  summary: string | undefined;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** The operations of a spec in document order. */
export function operationsOf(document: OpenApiDocument): CatalogOperation[] {
  const out: CatalogOperation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const op = item[method] as { operationId?: string; summary?: string } | undefined;
      if (op) out.push({ method: method.toUpperCase(), path, operationId: op.operationId, summary: op.summary });
    }
  }
  return out;
}
