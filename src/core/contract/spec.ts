import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { packagePath } from '../paths.js';
import { parseYaml } from './yaml.js';

/** The parts of an OpenAPI 3.0 document this project reads. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string; 'x-sandbox-bounds'?: Record<string, unknown> };
  paths: Record<string, Record<string, OpenApiOperation | unknown>>;
  components?: Record<string, Record<string, unknown>>;
}

export interface OpenApiOperation {
  operationId?: string;
  summary?: string;
  responses: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
}

/** A spec in `openapi/`: the two mocked APIs and the sandbox's own control API. */
export type ApiName = 'norcap' | 'nova' | 'sandbox';

export function specPath(api: ApiName): string {
  return packagePath('openapi', `${api}.yaml`);
}

const cache = new Map<ApiName, OpenApiDocument>();

/**
 * The parsed spec of one API, read once per process. Treat it as read-only: it is shared.
 *
 * @example
 * loadSpec('norcap').info.title; // 'NorCap Securities Custody Distributions API'
 */
export function loadSpec(api: ApiName): OpenApiDocument {
  let doc = cache.get(api);
  if (!doc) {
    const text = readFileSync(specPath(api), 'utf8');
    doc = compiledSpec(api, text) ?? (parseYaml(text) as OpenApiDocument);
    cache.set(api, doc);
  }
  return doc;
}

/** A deep copy, for the validator, which annotates the document it is given. */
export function cloneSpec(api: ApiName): OpenApiDocument {
  return structuredClone(loadSpec(api));
}

/**
 * The spec as `npm run build` compiled it (`scripts/compile-specs.mjs`), when it was compiled from
 * exactly this YAML: JSON parses in a few milliseconds where the YAML took hundreds at start-up.
 * Anything else (no build, an edited spec) reads the YAML itself.
 */
function compiledSpec(api: ApiName, yamlText: string): OpenApiDocument | undefined {
  let compiled: { sha256: string; document: OpenApiDocument };
  try {
    compiled = JSON.parse(readFileSync(packagePath('dist', 'specs', `${api}.json`), 'utf8')) as typeof compiled;
  } catch {
    return undefined;
  }
  return compiled.sha256 === createHash('sha256').update(yamlText).digest('hex') ? compiled.document : undefined;
}

/**
 * A bound the spec documents in `info.x-sandbox-bounds` (machine-readable, beside its prose), so
 * the code enforces the number the document states instead of restating it.
 *
 * @example
 * documentedBound('sandbox', 'controlBodyLimitBytes'); // 102400
 */
export function documentedBound(api: ApiName, name: string): number {
  const value = loadSpec(api).info['x-sandbox-bounds']?.[name];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw new Error(`openapi/${api}.yaml: info.x-sandbox-bounds.${name} is not a positive integer`);
  return value;
}
