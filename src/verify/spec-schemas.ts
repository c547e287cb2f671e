import { loadSpec } from '../core/contract/spec.js';
import type { VerifyApi } from './types.js';

/** A JSON Schema (OpenAPI 3.0 flavour) after its `$ref`s are resolved. */
export interface Schema {
  type?: string;
  nullable?: boolean;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  required?: string[];
  items?: Schema;
  example?: unknown;
  pattern?: string;
  minItems?: number;
}

export interface MediaContent {
  schema?: Schema;
  example?: unknown;
  examples?: Record<string, { value?: unknown }>;
}

export interface ResponseSpec {
  description?: string;
  headers?: Record<string, { required?: boolean; schema?: Schema }>;
  content?: Record<string, MediaContent>;
}

export interface ParameterSpec {
  name: string;
  in: 'query' | 'header' | 'path';
  required?: boolean;
  schema?: Schema;
  example?: unknown;
}

export interface OperationSpec {
  operationId: string;
  method: 'GET' | 'POST';
  path: string;
  parameters: ParameterSpec[];
  requestBody?: { content: Record<string, MediaContent> };
  responses: Record<string, ResponseSpec>;
}

export interface ResolvedSpec {
  api: VerifyApi;
  operations: OperationSpec[];
  /** `components.securitySchemes`, resolved. */
  securitySchemes: Record<string, { flows?: { clientCredentials?: { tokenUrl: string } } }>;
  operation(operationId: string): OperationSpec;
}

const cache = new Map<VerifyApi, ResolvedSpec>();

/**
 * The API's spec with every local `$ref` replaced by what it points at, operations listed by
 * operationId. Read from `openapi/<api>.yaml` (via `loadSpec`), never restated.
 */
export function resolvedSpec(api: VerifyApi): ResolvedSpec {
  const hit = cache.get(api);
  if (hit) return hit;
  const doc = structuredClone(loadSpec(api)) as unknown as Record<string, unknown>;
  const resolved = deref(doc, doc, new Map()) as { paths: Record<string, Record<string, unknown>>; components?: { securitySchemes?: ResolvedSpec['securitySchemes'] } };
  const operations: OperationSpec[] = [];
  for (const [path, item] of Object.entries(resolved.paths)) {
    for (const method of ['get', 'post'] as const) {
      const op = item[method] as Omit<OperationSpec, 'method' | 'path'> | undefined;
      if (!op) continue;
      const shared = (item.parameters as ParameterSpec[] | undefined) ?? [];
      operations.push({ ...op, parameters: [...shared, ...(op.parameters ?? [])], method: method === 'get' ? 'GET' : 'POST', path });
    }
  }
  const spec: ResolvedSpec = {
    api,
    operations,
    securitySchemes: resolved.components?.securitySchemes ?? {},
    operation(operationId) {
      const found = operations.find((op) => op.operationId === operationId);
      if (!found) throw new Error(`openapi/${api}.yaml has no operation ${operationId}`);
      return found;
    },
  };
  cache.set(api, spec);
  return spec;
}

function deref(node: unknown, root: Record<string, unknown>, seen: Map<string, unknown>): unknown {
  if (Array.isArray(node)) return node.map((item) => deref(item, root, seen));
  if (node === null || typeof node !== 'object') return node;
  const record = node as Record<string, unknown>;
  if (typeof record.$ref === 'string' && record.$ref.startsWith('#/')) {
    const ref = record.$ref;
    if (!seen.has(ref)) {
      seen.set(ref, {}); // a cycle (none today) stops here rather than recursing forever
      seen.set(ref, deref(valueAt(root, ref.slice(1)), root, seen));
    }
    return seen.get(ref);
  }
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, deref(value, root, seen)]));
}

/** The value at a JSON pointer (`/a/0/b`), or `undefined`. */
export function valueAt(value: unknown, pointer: string): unknown {
  if (pointer === '') return value;
  let current = value;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export function pointerJoin(pointer: string, key: string | number): string {
  return `${pointer}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/** The documented response for a status: its own entry, or `default` for an error status. */
export function documentedResponse(op: OperationSpec, status: number): ResponseSpec | undefined {
  return op.responses[String(status)] ?? (status >= 400 ? op.responses.default : undefined);
}
