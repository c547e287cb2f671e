import { createRequire } from 'node:module';
import type * as OpenApiValidator from 'express-openapi-validator';
import { Router, type Request, type RequestHandler } from 'express';
import type { ApiName } from './contract/spec.js';
import { cloneSpec, type OpenApiOperation } from './contract/spec.js';
import { fail } from './errors.js';

/** The media types read as JSON bodies, by every API and the controls. */
export const JSON_MEDIA_TYPES = ['application/json', 'application/*+json'];

type ValidatorSpec = Parameters<typeof OpenApiValidator.middleware>[0]['apiSpec'];

/** What the patched validator reads to match one route only (patches/express-openapi-validator+5.6.2.patch). */
type RouteHinted = Request & { openapiRouteHint?: string };

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
  return function validateRequest(req, res, next) {
    refuseEmptyQueryNames(req);
    // The door resolved the operation: the validator matches that one route, not every route of
    // the spec in turn (`openapiRouteHint`, patches/README.md). Unresolved (405, 404), it routes itself.
    const operation = res.locals.request?.operation;
    if (operation?.api === api) (req as RouteHinted).openapiRouteHint = operation.path;
    let validator = validators.get(api);
    if (!validator) validators.set(api, (validator = Router().use(createValidator(api), requireDeclaredBody)));
    return validator(req, res, next);
  };
}

/**
 * One validator per spec, shared by every app and workspace of the process: compiling one costs
 * hundreds of milliseconds. It keeps no per-app state: what it learns about a request goes on
 * that request (`req.openapi`).
 */
const validators = new Map<ApiName, Router>();

/**
 * The validator's package (with ajv, its YAML and ref parsers, multer: about 200 modules), loaded
 * when the first validator is built rather than at start, where loading it was most of the time
 * to the first `/healthz`.
 */
let validatorPackage: typeof OpenApiValidator | undefined;

function createValidator(api: ApiName): RequestHandler[] {
  validatorPackage ??= createRequire(import.meta.url)('express-openapi-validator') as typeof OpenApiValidator;
  return validatorPackage.middleware({
    apiSpec: withoutRuleKeywords(cloneSpec(api)) as unknown as ValidatorSpec,
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
 * The spec as the request validator reads it: a schema may carry a rule as a keyword for tools
 * (NorCap's "accountId or bank details" as `oneOf`, a `bankId` `pattern`) that the API's own
 * rules answer with a documented, exact message. `x-sandbox-enforced-by-rules: [oneOf]` on such
 * a schema names the keywords dropped from the validator's copy, so the validator's generic
 * message never comes first. The document served, linted and used by the tests keeps them.
 */
function withoutRuleKeywords<T>(node: T): T {
  if (Array.isArray(node)) {
    for (const item of node) withoutRuleKeywords(item);
  } else if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    const marked = record['x-sandbox-enforced-by-rules'];
    if (Array.isArray(marked)) for (const keyword of marked) delete record[String(keyword)];
    for (const value of Object.values(record)) withoutRuleKeywords(value);
  }
  return node;
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
 * Reads the query string with flat keys, as a spec that names its parameters with their brackets
 * (`filter[status]`, `filter[amountCents][min]`) means them, instead of the app's nested `qs`
 * objects (which the validator would not match to those names). A repeated key is an array, and
 * a key ending in `[]` (`filter[status][]=a`) counts as the key without it, so the array
 * conventions clients use keep working. Express 5 re-parses `req.query` on every read; the
 * object is pinned so the validator and the handler see the same one.
 *
 * Applies to the operations (the one the door resolved) that name a query parameter with
 * brackets; the others keep `qs`'s reading.
 *
 * A bracketed key the operation does not name (`filter[colour]`) is refused here, by its own name:
 * the validator would fold it into an unknown `filter` and name that instead.
 *
 * @example
 * // ?filter[status]=a&filter[status][]=b → { 'filter[status]': ['a', 'b'] }
 * steps: [auth, ...jsonBody('1mb'), literalQueryKeys(), requestValidation('norcap'), handlers]
 */
export function literalQueryKeys(): RequestHandler {
  const bracketed = new WeakMap<object, Set<string>>();
  const namesOf = (operation: OpenApiOperation): Set<string> => {
    let named = bracketed.get(operation);
    if (!named) {
      const parameters = ((operation as { parameters?: unknown[] }).parameters ?? []) as { name?: string; in?: string }[];
      named = new Set(parameters.filter((p) => p.in === 'query' && p.name?.includes('[')).map((p) => p.name as string));
      bracketed.set(operation, named);
    }
    return named;
  };
  return function literalQueryKeys(req, res, next) {
    const operation = res.locals.request.operation;
    const named = operation ? namesOf(operation.operation) : undefined;
    if (!named || named.size === 0) return next();
    const raw = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : '';
    const query: Record<string, string | string[]> = {};
    for (const [rawKey, value] of new URLSearchParams(raw)) {
      const key = rawKey.endsWith('[]') ? rawKey.slice(0, -2) : rawKey;
      if (key.includes('[') && !named.has(key)) {
        fail({ kind: 'validation', status: 400, field: key, message: `query parameter ${key} is not a recognized parameter` });
      }
      const seen = query[key];
      if (seen === undefined) query[key] = value;
      else if (Array.isArray(seen)) seen.push(value); // O(1) per repeat, however many a client sends
      else query[key] = [seen, value];
    }
    // express-openapi-validator 5.6 looks for the spec's literal bracket names on
    // `req.query._openapi` rather than `req.openapi` (cdimascio/express-openapi-validator#1115)
    // and, finding none, folds `filter[status]` back into an unknown `filter`. Pointing it at the
    // operation the validator matched fixes that; not enumerable, so it is no query parameter.
    Object.defineProperty(query, '_openapi', { get: () => (req as Request & { openapi?: unknown }).openapi, enumerable: false });
    Object.defineProperty(req, 'query', { value: query, writable: true, configurable: true, enumerable: true });
    next();
  };
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

/**
 * A query parameter with an empty name (`?=null`, `?=`) is unknown like any other: the validator
 * would skip it (200 where `?foo=1` is 400) and name nothing. Refused here, by what it is.
 */
function refuseEmptyQueryNames(req: Request): void {
  const at = req.originalUrl.indexOf('?');
  if (at < 0) return;
  for (const [name] of new URLSearchParams(req.originalUrl.slice(at + 1))) {
    if (name === '' || name === '[]') fail({ kind: 'validation', status: 400, message: 'query parameter with an empty name is not a recognized parameter' });
  }
}
