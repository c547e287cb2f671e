import type { RenderedError } from '../../core/api-module.js';
import type { Failure } from '../../core/errors.js';
import type { OAuthError, OAuthErrorCode } from './types.js';

export const TOKEN_PATH = '/oauth/token';

/**
 * Whether a request path is the token endpoint's. The routers accept a trailing slash, so its
 * errors must speak RFC 6749 there too.
 *
 * @example
 * isTokenPath('/oauth/token/'); // true
 */
export function isTokenPath(path: string): boolean {
  return path === TOKEN_PATH || path === `${TOKEN_PATH}/`;
}

/** The codes a raiser may give (`fail({ code })`); the rest follow from the status. */
const OAUTH_CODES = new Set<string>(['invalid_request', 'invalid_client', 'unsupported_grant_type'] satisfies OAuthErrorCode[]);

/** Token responses must never be cached (RFC 6749 §5.1); the errors carry the same headers. */
export const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

/** The challenge of an `invalid_client` answer to a client that tried HTTP Basic (RFC 6749 §5.2). */
export const BASIC_CHALLENGE = { 'WWW-Authenticate': 'Basic realm="nova"' } as const;

/**
 * Failures of `POST /oauth/token` as RFC 6749 §5.2 errors, so OAuth client libraries read
 * them: `{error, error_description}`. A failed client authentication names the Basic scheme
 * only when the client tried Basic (the token endpoint adds it to the failure); any other 401
 * (an injected fault) names it as RFC 9110 §15.5.2 asks. Whatever makes the request unreadable (not form-encoded, malformed, a
 * missing parameter) is `invalid_request`.
 *
 * @example
 * renderOAuthError({ kind: 'unauthenticated', status: 401, code: 'invalid_client', message: 'client authentication failed' }).body;
 * // { error: 'invalid_client', error_description: 'client authentication failed' }
 */
export function renderOAuthError(failure: Failure): RenderedError {
  const status = failure.kind === 'validation' || failure.kind === 'malformed_json' || failure.kind === 'unsupported_media_type' ? 400 : failure.kind === 'internal' ? 500 : failure.status;
  const error = oauthCode(failure, status);
  // The validator's 415 speaks of JSON, wrong here; body-parser's name the charset or content
  // encoding it refused, which is the useful part.
  const refusedEncoding = /^unsupported (charset|content encoding) /.test(failure.message);
  const description = failure.kind === 'unsupported_media_type' && !refusedEncoding ? 'the token request must be application/x-www-form-urlencoded' : failure.message;
  const headers: Record<string, string> = { ...failure.headers, ...NO_STORE };
  if (status === 401 && failure.kind !== 'unauthenticated') Object.assign(headers, BASIC_CHALLENGE);
  return { status, body: { error, error_description: description } satisfies OAuthError, headers };
}

function oauthCode(failure: Failure, status: number): OAuthErrorCode {
  if (failure.code && OAUTH_CODES.has(failure.code)) return failure.code as OAuthErrorCode;
  // The spec's `enum: [client_credentials]` makes the validator refuse any other grant; RFC 6749
  // §5.2 names that `unsupported_grant_type`, not a malformed request (a missing or repeated
  // grant_type stays `invalid_request`).
  if (failure.kind === 'validation' && failure.field === 'grant_type' && /must be one of/.test(failure.message)) return 'unsupported_grant_type';
  if (failure.kind === 'unauthenticated') return 'invalid_client';
  if (status === 429 || status === 503) return 'temporarily_unavailable';
  if (status >= 500) return 'server_error';
  return 'invalid_request';
}
