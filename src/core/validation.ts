import * as OpenApiValidator from 'express-openapi-validator';
import type { Request, RequestHandler } from 'express';
import type { ApiName } from './contract/spec.js';
import { cloneSpec } from './contract/spec.js';
import { fail } from './errors.js';

type ValidatorSpec = Parameters<typeof OpenApiValidator.middleware>[0]['apiSpec'];

/**
 * The OpenAPI document as request validation: express-openapi-validator, fed the API's own spec.
 * Its errors are not answered here; they flow on to the API's error handler, which renders them
 * in the API's envelope (the validator's default body is never sent).
 *
 * @example
 * router.use(requestValidation('norcap'));
 */
export function requestValidation(api: ApiName): RequestHandler[] {
  const validator = OpenApiValidator.middleware({
    apiSpec: cloneSpec(api) as unknown as ValidatorSpec,
    // Parameters are always coerced from strings by the validator; bodies never are ("1234" is not an integer).
    validateRequests: { allowUnknownQueryParameters: false },
    validateResponses: false,
    validateSecurity: false,
    validateApiSpec: false,
    ignoreUndocumented: false,
    // Formats as strictly as the response checker reads them (ajv-formats' full mode): in the
    // validator's default fast mode a request could carry `2024-02-30T00:00:00Z` or `ada@localhost`
    // and be answered with a body that breaks the very spec that let it in.
    ajvFormats: { mode: 'full' },
  }) as RequestHandler[];
  return [...validator, requireDeclaredBody];
}

/**
 * `requestBody: required: true` holds for every body schema. express-openapi-validator enforces
 * it only when the body's schema has a `required` list of its own (it reads that list as the
 * flag), so an array body (Nova's creates) sent with no body at all (no `Content-Length`) went
 * through to the handler. Runs after the validator, which has matched the operation and
 * checked the content type, so only the missing body is left to answer: 400, no field named.
 */
const requireDeclaredBody: RequestHandler = function requireDeclaredBody(req, _res, next) {
  const operation = (req as Request & { openapi?: { schema?: { requestBody?: { required?: boolean } } } }).openapi?.schema;
  if (operation?.requestBody?.required === true && req.body === undefined) {
    fail({ kind: 'validation', status: 400, message: 'request body is required' });
  }
  next();
};

/**
 * Lets a repeated-or-single query value reach the validator as an array, so
 * `filter[status]=pending` and `filter[status][]=a&filter[status][]=b` mean the same thing.
 * Express 5 re-parses `req.query` on every read; the parsed object is pinned so the change holds.
 *
 * @example
 * router.get('/things', arrayQueryValues(['filter.status']), handler);
 */
export function arrayQueryValues(paths: readonly string[]): RequestHandler {
  const split = paths.map((path) => path.split('.'));
  return function arrayQueryValues(req, _res, next) {
    const query = pinQuery(req);
    for (const parts of split) {
      let holder: unknown = query;
      for (const part of parts.slice(0, -1)) holder = typeof holder === 'object' && holder !== null ? (holder as Record<string, unknown>)[part] : undefined;
      const last = parts[parts.length - 1] as string;
      if (typeof holder === 'object' && holder !== null && typeof (holder as Record<string, unknown>)[last] === 'string') {
        (holder as Record<string, unknown>)[last] = [(holder as Record<string, unknown>)[last]];
      }
    }
    next();
  };
}

function pinQuery(req: Request): Record<string, unknown> {
  const query = req.query as Record<string, unknown>;
  Object.defineProperty(req, 'query', { value: query, writable: true, configurable: true, enumerable: true });
  return query;
}

/**
 * A header's value, refusing one sent more than once: Node joins repeats with ", ", which
 * would read as one odd value (a key `"a, b"`, a malformed id) rather than the mistake it is.
 *
 * @example
 * singleHeader(req, 'Idempotency-Key'); // 'k1', undefined when absent; 400 when sent twice
 */
export function singleHeader(req: Request, name: string): string | undefined {
  if ((req.headersDistinct[name.toLowerCase()]?.length ?? 0) > 1) {
    fail({ kind: 'validation', status: 400, field: name, message: `${name} must be sent once` });
  }
  return req.get(name);
}
