import { createRequire } from 'node:module';
import type { Ajv, ValidateFunction } from 'ajv';
import type addFormatsModule from 'ajv-formats';
import type { ApiName } from './spec.js';
import { loadSpec } from './spec.js';
import { OperationIndex } from './operations.js';

/**
 * ajv and ajv-formats, loaded when the first contract is built (`--strict`'s first response, a
 * test's first check), not at start: about 90 modules a server without `--strict` never uses.
 * ajv-formats is CommonJS: the plugin is its `default` property.
 */
function loadAjv(): { Ajv: typeof Ajv; addFormats: (typeof addFormatsModule)['default'] } {
  const require = createRequire(import.meta.url);
  return { Ajv: (require('ajv') as { Ajv: typeof Ajv }).Ajv, addFormats: (require('ajv-formats') as typeof addFormatsModule).default };
}

export interface ResponseCheck {
  ok: boolean;
  /** Why the response breaks the contract, when it does. */
  problems: string[];
}

/**
 * Checks a response against the spec: the operation must document the status, and the body
 * must match that status's JSON schema. Used by `--strict` and by every test.
 *
 * @example
 * const contract = ResponseContract.for('norcap');
 * contract.check('POST', '/v3/custody/distributions', 200, body); // { ok: true, problems: [] }
 */
export class ResponseContract {
  private static readonly instances = new Map<ApiName, ResponseContract>();
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction | null>();
  private readonly schemas = new Map<string, ValidateFunction>();

  private constructor(private readonly api: ApiName) {
    // strict: false lets OpenAPI-only keywords (example, discriminator…) pass; ajv reads `nullable`.
    const { Ajv, addFormats } = loadAjv();
    this.ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addSchema(loadSpec(api) as object, 'spec');
  }

  static for(api: ApiName): ResponseContract {
    let contract = ResponseContract.instances.get(api);
    if (!contract) {
      contract = new ResponseContract(api);
      ResponseContract.instances.set(api, contract);
    }
    return contract;
  }

  check(method: string, path: string, status: number, body: unknown, contentType = 'application/json'): ResponseCheck {
    const op = OperationIndex.for(this.api).match(method, path);
    if (!op) return { ok: false, problems: [`${method} ${path} is not a documented operation`] };
    const statusKey = op.operation.responses[String(status)] ? String(status) : op.operation.responses.default ? 'default' : undefined;
    if (!statusKey) return { ok: false, problems: [`${op.operationId} does not document status ${status}`] };
    const validate = this.validatorFor(op.path, op.method.toLowerCase(), statusKey, contentType);
    if (validate === null) return { ok: true, problems: [] };
    if (validate(body)) return { ok: true, problems: [] };
    return {
      ok: false,
      problems: (validate.errors ?? []).map((e) => `${op.operationId} ${status}: body${e.instancePath} ${e.message ?? 'is invalid'}`),
    };
  }

  /**
   * Checks a body against one named schema of the spec, for answers no operation documents
   * (an unknown route still answers in the API's error envelope).
   *
   * @example
   * ResponseContract.for('nova').checkSchema('Error', { error: { code: 'route_not_found', message: '…' } }); // { ok: true, problems: [] }
   */
  checkSchema(name: string, body: unknown): ResponseCheck {
    let validate = this.schemas.get(name);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `spec#/components/schemas/${name}` });
      this.schemas.set(name, validate);
    }
    if (validate(body)) return { ok: true, problems: [] };
    return { ok: false, problems: (validate.errors ?? []).map((e) => `${name}: body${e.instancePath} ${e.message ?? 'is invalid'}`) };
  }

  private validatorFor(path: string, method: string, status: string, contentType: string): ValidateFunction | null {
    const media = contentType.split(';')[0]?.trim() ?? contentType;
    const key = `${method} ${path} ${status} ${media}`;
    if (!this.validators.has(key)) {
      type ResponseObject = { $ref?: string; content?: Record<string, { schema?: unknown }> };
      const doc = loadSpec(this.api) as unknown as { paths: Record<string, Record<string, { responses: Record<string, ResponseObject> }>>; components?: { responses?: Record<string, ResponseObject> } };
      let where = ['paths', path, method, 'responses', status];
      let response = doc.paths[path]?.[method]?.responses[status];
      // A shared answer (`$ref: '#/components/responses/BadRequest'`, every error answer): its
      // schema lives there. Left unresolved, every error body would pass unchecked.
      const shared = response?.$ref?.match(/^#\/components\/responses\/(.+)$/)?.[1];
      if (shared !== undefined) {
        where = ['components', 'responses', shared];
        response = doc.components?.responses?.[shared];
      }
      const content = response?.content;
      const mediaKey = content?.[media] ? media : content ? Object.keys(content)[0] : undefined;
      const pointer = [...where, 'content', mediaKey ?? '', 'schema']
        .map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1'))
        .join('/');
      this.validators.set(key, mediaKey && content?.[mediaKey]?.schema ? this.ajv.compile({ $ref: `spec#/${pointer}` }) : null);
    }
    return this.validators.get(key) ?? null;
  }
}
