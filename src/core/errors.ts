/**
 * Every failure, whatever raised it (body parser, OpenAPI validator, auth, a business rule, an
 * injected fault), is first turned into a `Failure`; each API then renders failures in its own
 * envelope in one place (`src/apis/<api>/envelope.ts`). Keeping the kinds here means the two
 * APIs agree on what went wrong and differ only in how they say it.
 */
export type FailureKind =
  | 'malformed_json' // body is not JSON
  | 'body_too_large'
  | 'unsupported_media_type'
  | 'validation' // the request breaks the OpenAPI document
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found' // a resource or route
  | 'method_not_allowed'
  | 'rule' // a business rule of the API (message given by the API)
  | 'idempotency_mismatch'
  | 'idempotency_conflict'
  | 'fault' // injected by the sandbox
  | 'unavailable' // the state store (PostgreSQL) cannot be reached: retry
  | 'internal';

export interface Failure {
  kind: FailureKind;
  status: number;
  message: string;
  /** Path of the offending input, e.g. `newDistributions[1].accountId` or `[0].payments[0].entity`. */
  field?: string;
  /** An API-specific code, when the raiser knows it (Nova's `error.code`, NorCap's `statusCode`). */
  code?: string;
  headers?: Record<string, string>;
}

/** A failure thrown on purpose; the API's error handler renders it. */
export class ApiFailure extends Error {
  readonly failure: Failure;
  constructor(failure: Failure) {
    super(failure.message);
    this.name = 'ApiFailure';
    this.failure = failure;
  }
}

export function fail(failure: Failure): never {
  throw new ApiFailure(failure);
}

interface ValidatorIssue {
  path?: string;
  message?: string;
  errorCode?: string;
}

interface HttpLikeError {
  status?: number;
  statusCode?: number;
  type?: string;
  message?: string;
  /** body-parser's raw body, on a parse failure. */
  body?: unknown;
  errors?: ValidatorIssue[];
  headers?: Record<string, string>;
}

/**
 * Turns anything thrown into a `Failure`. Errors of express's body parser carry `type`;
 * express-openapi-validator's carry `status` and `errors[]` with `/body/...`-style paths.
 */
export function toFailure(error: unknown): Failure {
  if (error instanceof ApiFailure) return error.failure;
  if (isStoreUnavailable(error)) return UNAVAILABLE;
  if (hasName(error, 'ClaimLostError')) return CLAIM_LOST;
  const e = (typeof error === 'object' && error !== null ? error : {}) as HttpLikeError;
  const status = e.status ?? e.statusCode ?? 500;
  if (e.type === 'entity.parse.failed') return { kind: 'malformed_json', status: 400, message: describeUnparsed(e.body) };
  if (e.type === 'entity.too.large') return { kind: 'body_too_large', status: 413, message: 'request body is too large' };
  if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') {
    return { kind: 'unsupported_media_type', status: 415, message: e.message ?? 'unsupported encoding' };
  }
  if (Array.isArray(e.errors) && status < 500) {
    const issue = e.errors[0] ?? {};
    if (status === 415) return { kind: 'unsupported_media_type', status, message: 'request body must be application/json' };
    if (status === 405) {
      // RFC 9110 §15.5.6: a 405 names the methods the path has.
      const allow = e.headers?.Allow;
      return { kind: 'method_not_allowed', status, message: 'method not allowed', ...(allow ? { headers: { Allow: allow } } : {}) };
    }
    if (status === 404) return { kind: 'not_found', status, message: 'no such route' };
    return { kind: 'validation', status: 400, ...describeIssue(issue) };
  }
  if (status >= 400 && status < 500) return { kind: 'validation', status: 400, message: e.message ?? 'bad request' };
  return { kind: 'internal', status: 500, message: 'internal error' };
}

/**
 * What a request meets while the database behind `--database` cannot be reached: 503 in the
 * API's own envelope, at once (the pool's timeouts bound the wait), with `Retry-After`. The
 * driver's error stays in the log; the client only learns to retry.
 */
const UNAVAILABLE: Failure = {
  kind: 'unavailable',
  status: 503,
  message: 'the sandbox state store is unavailable; retry shortly',
  headers: { 'Retry-After': '1' },
};

/**
 * `StoreUnavailableError` (src/core/store/errors.ts), duck-typed by name like the store's own
 * error mapping: an error may come from another realm, where `instanceof` fails.
 */
function isStoreUnavailable(error: unknown): boolean {
  return hasName(error, 'StoreUnavailableError');
}

function hasName(error: unknown, name: string): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name;
}

/**
 * `ClaimLostError`: the request held its `Idempotency-Key` past the claim's lease, another
 * request (another instance) took the key, and this one's writes were rolled back. Nothing was
 * done twice; the client retries and gets the other request's answer, as for any key still in
 * flight: 409 `conflict`, never a 500.
 */
const CLAIM_LOST: Failure = {
  kind: 'idempotency_conflict',
  status: 409,
  field: 'Idempotency-Key',
  message: 'the Idempotency-Key was taken over by a retry while this request ran; nothing was written: retry to get its answer',
};

/** Where express-openapi-validator says a request issue is. */
const ISSUE_LOCATIONS = new Set(['body', 'query', 'params', 'headers', 'path', 'cookies']);

/**
 * `/body/newDistributions/0/amountCents` + `must be integer` → field `newDistributions[0].amountCents`,
 * message `newDistributions[0].amountCents must be integer`. Query and path parameters say so.
 */
function describeIssue(issue: ValidatorIssue): { message: string; field?: string } {
  const [location, ...rest] = (issue.path ?? '').replace(/^\./, '').split(/[/.]/).filter(Boolean);
  const field = toFieldPath(rest);
  const raw = (issue.message ?? 'is invalid')
    .replace(/^malformed uri'?$/, 'the request path is not validly percent-encoded')
    .replace(/^must NOT have additional properties$/, 'is not a recognized field')
    .replace(/^must have required property '[^']*'$/, 'is required')
    .replace(/^Unknown query parameter '[^']*'$/, 'is not a recognized parameter')
    .replace(/^Empty value found for query parameter '[^']*'$/, 'must not be empty')
    .replace(/must be equal to one of the allowed values: (.*)$/, (_m, values: string) => `must be one of: ${values.split(', ').filter(Boolean).join(', ')}`)
    .replace(/^Parameter '[^']*' /, '');
  // Some issues are about the URL as a whole: their path is the request's, not a field's.
  if (location !== undefined && !ISSUE_LOCATIONS.has(location)) return { message: raw };
  const prefix = { query: 'query parameter ', params: 'path parameter ', headers: 'header ' }[location ?? ''] ?? '';
  if (!field) return { message: location === 'body' ? `request body ${raw}` : raw };
  return { field, message: `${prefix}${field} ${raw}` };
}

/**
 * Why a JSON body did not parse. body-parser's strict mode also refuses a body that is valid
 * JSON but a bare value (`null`, `"text"`, `42`): saying "not valid JSON" about those misleads.
 */
function describeUnparsed(raw: unknown): string {
  if (typeof raw !== 'string') return 'request body is not valid JSON';
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return 'request body is not valid JSON';
  }
  return `request body must be a JSON object or array, not ${value === null ? 'null' : typeof value}`;
}

function toFieldPath(parts: string[]): string {
  let out = '';
  for (const part of parts) {
    const key = safeDecode(part.replace(/~1/g, '/').replace(/~0/g, '~'));
    out += /^\d+$/.test(key) ? `[${key}]` : out ? `.${key}` : key;
  }
  return out;
}

/** A name from the request's URL, decoded when it can be: `%zz` is reported as sent, not thrown. */
function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
