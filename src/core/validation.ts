import * as OpenApiValidator from 'express-openapi-validator';
import { Router, type Request, type RequestHandler } from 'express';
import type { ApiName } from './contract/spec.js';
import { cloneSpec } from './contract/spec.js';
import { fail } from './errors.js';

/** The media types read as JSON bodies, by every API and the controls. */
export const JSON_MEDIA_TYPES = ['application/json', 'application/*+json'];

type ValidatorSpec = Parameters<typeof OpenApiValidator.middleware>[0]['apiSpec'];

/**
 * The OpenAPI document as request validation: express-openapi-validator, fed the API's own spec.
 * Its errors are not answered here; they flow on to the API's error handler, which renders them
 * in the API's envelope (the validator's default body is never sent).
 *
 * Built on the first request that reaches it, not at start: compiling a spec's schemas was
 * a third of the server's start-up, and `/healthz` (or a request to the other API) needs none
 * of it.
 *
 * @example
 * router.use(requestValidation('norcap'));
 */
export function requestValidation(api: ApiName): RequestHandler {
  let validator: Router | undefined;
  return function validateRequest(req, res, next) {
    validator ??= Router().use(createValidator(api));
    return validator(req, res, next);
  };
}

function createValidator(api: ApiName): RequestHandler[] {
  return OpenApiValidator.middleware({
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
}

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
