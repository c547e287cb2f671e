import type { ApiName, OpenApiDocument, OpenApiOperation } from './spec.js';
import { loadSpec } from './spec.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** One documented operation, found by method and path template. */
export interface OperationRef {
  api: ApiName;
  method: string; // upper case
  path: string; // the spec's template, e.g. /v1/distributions/{distribution_id}
  operationId: string;
  statuses: string[]; // documented response statuses
  operation: OpenApiOperation;
}

interface CompiledOperation extends OperationRef {
  /** The template as a regex, one capture group per path parameter. */
  regex: RegExp;
  /** The template's parameter names, in the order of the regex's groups. */
  parameterNames: string[];
  literal: boolean;
}

/**
 * Finds the documented operation a request hits. Literal paths win over templated ones, so
 * `/v1/vehicles` never matches `/v1/vehicles/{id}`-style siblings by accident.
 *
 * @example
 * const ops = OperationIndex.for('norcap');
 * ops.match('GET', '/v3/custody/distributions')?.operationId; // 'listDistributions'
 */
/** A parameter as the spec lists it (or a reference to one). */
type SpecParameter = { name?: string; in?: string; $ref?: string; schema?: { default?: unknown } };

export class OperationIndex {
  private static readonly instances = new Map<ApiName, OperationIndex>();
  readonly operations: readonly OperationRef[];
  private readonly compiled: CompiledOperation[];
  private readonly doc: OpenApiDocument;

  private constructor(api: ApiName, doc: OpenApiDocument) {
    this.doc = doc;
    this.compiled = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of METHODS) {
        const operation = item[method] as OpenApiOperation | undefined;
        if (!operation) continue;
        this.compiled.push({
          api,
          method: method.toUpperCase(),
          path,
          operationId: operation.operationId ?? `${method} ${path}`,
          statuses: Object.keys(operation.responses),
          operation,
          literal: !path.includes('{'),
          parameterNames: [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string),
          regex: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '([^/]+)')}/?$`),
        });
      }
    }
    this.compiled.sort((a, b) => Number(b.literal) - Number(a.literal));
    this.operations = this.compiled;
  }

  static for(api: ApiName): OperationIndex {
    let index = OperationIndex.instances.get(api);
    if (!index) {
      index = new OperationIndex(api, loadSpec(api));
      OperationIndex.instances.set(api, index);
    }
    return index;
  }

  /** HEAD finds its GET: the server answers HEAD as GET without a body (see src/app.ts). */
  match(method: string, path: string): OperationRef | undefined {
    const upper = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
    return this.compiled.find((op) => op.method === upper && op.regex.test(path));
  }

  /**
   * The path parameters of `path` under the operation's template (`/v1/contacts/{contact_id}` →
   * `{ contact_id }`), percent-decoded as express decodes route parameters (a malformed escape,
   * which the request validator refuses first, is kept as sent).
   *
   * @example
   * index.parametersOf(op, '/v1/contacts/cnt_1'); // { contact_id: 'cnt_1' }
   */
  parametersOf(operation: OperationRef, path: string): Record<string, string> {
    const compiled = operation as CompiledOperation;
    const match = compiled.regex.exec(path);
    const params: Record<string, string> = {};
    compiled.parameterNames.forEach((name, i) => {
      const raw = match?.[i + 1] ?? '';
      try {
        params[name] = decodeURIComponent(raw);
      } catch {
        params[name] = raw;
      }
    });
    return params;
  }

  /**
   * The `default` the spec gives a query parameter of the operation (through a
   * `#/components/parameters/...` reference too), or undefined: what the validator fills in
   * when the parameter is absent.
   *
   * @example
   * index.queryDefault(op, 'limit'); // 10
   */
  queryDefault(operation: OperationRef, name: string): unknown {
    return this.parameterOf(operation, 'query', name)?.schema?.default;
  }

  /**
   * Whether the spec documents header `name` (any case) for the operation, e.g. which
   * operations take an `Idempotency-Key`.
   *
   * @example
   * index.documentsHeader(op, 'Idempotency-Key'); // true for POST /v1/contacts
   */
  documentsHeader(operation: OperationRef, name: string): boolean {
    return this.parameterOf(operation, 'header', name) !== undefined;
  }

  /** The operation's parameter `name` in `location`, resolved through a `#/components/parameters/...` reference. */
  private parameterOf(operation: OperationRef, location: 'query' | 'header', name: string): SpecParameter | undefined {
    const wanted = location === 'header' ? name.toLowerCase() : name;
    for (const listed of ((operation.operation as { parameters?: SpecParameter[] }).parameters ?? [])) {
      const parameter = listed.$ref?.startsWith('#/components/parameters/')
        ? (this.doc.components?.parameters?.[listed.$ref.slice('#/components/parameters/'.length)] as SpecParameter | undefined)
        : listed;
      const named = location === 'header' ? parameter?.name?.toLowerCase() : parameter?.name;
      if (parameter?.in === location && named === wanted) return parameter;
    }
    return undefined;
  }

  /** True when some operation has this path, whatever its method (405 rather than 404). */
  hasPath(path: string): boolean {
    return this.compiled.some((op) => op.regex.test(path));
  }
}
