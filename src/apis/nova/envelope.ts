import type { RenderedError } from '../../core/api-module.js';
import type { Failure } from '../../core/errors.js';
import { everyMember } from './every-member.js';
import { isTokenPath, renderOAuthError } from './oauth-errors.js';
import type { NovaError, NovaErrorCode } from './types.js';

/** Every `error.code` Nova answers, as the spec's `Error` schema lists them (checked both ways). */
export const NOVA_ERROR_CODES = everyMember<NovaErrorCode>()([
  'invalid_request',
  'parameter_missing',
  'parameter_invalid',
  'organization_required',
  'unauthorized',
  'invalid_token',
  'forbidden',
  'resource_missing',
  'route_not_found',
  'method_not_allowed',
  'request_timeout',
  'idempotency_mismatch',
  'conflict',
  'body_too_large',
  'unsupported_media_type',
  'rate_limited',
  'internal_error',
  'contract_violation',
  'service_unavailable',
]);
const KNOWN_CODES = new Set<string>(NOVA_ERROR_CODES);

/**
 * The one place Nova failures become responses: `{"error": {code, message, param?}}`, except
 * on `POST /oauth/token`, which answers RFC 6749 §5.2 errors (`oauth-errors.ts`). The path is
 * optional so that a caller that knows none (fault injection) still gets the Nova envelope.
 *
 * @example
 * renderNovaError({ kind: 'not_found', status: 404, message: "no such entity: 'ent_x'", field: '[0].payments[0].entity' });
 * // { status: 404, body: { error: { code: 'resource_missing', message: "no such entity: 'ent_x'", param: '[0].payments[0].entity' } }, headers: {} }
 */
export function renderNovaError(failure: Failure, request?: { path: string }): RenderedError {
  if (request && isTokenPath(request.path)) return renderOAuthError(failure);
  const status = httpStatusFor(failure);
  const body: NovaError = { error: { code: codeFor(failure), message: failure.message } };
  if (failure.field) body.error.param = failure.field;
  const headers = { ...failure.headers };
  if (status === 401) headers['WWW-Authenticate'] ??= 'Bearer realm="nova"';
  return { status, body, headers };
}

function httpStatusFor(failure: Failure): number {
  switch (failure.kind) {
    case 'malformed_json':
    case 'validation':
      return 400;
    case 'body_too_large':
      return 413;
    case 'unsupported_media_type':
      return 415;
    case 'internal':
      return 500;
    default:
      return failure.status;
  }
}

function codeFor(failure: Failure): NovaErrorCode {
  // A code raised elsewhere is used only when it is one of Nova's own.
  const given = failure.code !== undefined && KNOWN_CODES.has(failure.code) ? (failure.code as NovaErrorCode) : undefined;
  switch (failure.kind) {
    case 'malformed_json':
      return 'invalid_request';
    case 'body_too_large':
      return 'body_too_large';
    case 'unsupported_media_type':
      return 'unsupported_media_type';
    case 'validation':
      // The validator names the field; `toFailure` words an absent one "<field> is required".
      if (given) return given;
      if (!failure.field) return 'invalid_request';
      return failure.message.endsWith(' is required') ? 'parameter_missing' : 'parameter_invalid';
    case 'unauthenticated':
      return given ?? 'unauthorized';
    case 'forbidden':
      return given ?? 'forbidden';
    case 'not_found':
      // Every lookup of an id names the input it came from; only an unknown path names none.
      return given ?? (failure.field ? 'resource_missing' : 'route_not_found');
    case 'method_not_allowed':
      return 'method_not_allowed';
    case 'rule':
      return given ?? 'invalid_request';
    case 'idempotency_mismatch':
      return 'idempotency_mismatch';
    case 'idempotency_conflict':
      return 'conflict';
    case 'fault':
      return codeForStatus(failure.status);
    case 'unavailable':
      return 'service_unavailable';
    case 'internal':
      return 'internal_error';
  }
}

function codeForStatus(status: number): NovaErrorCode {
  if (status === 408) return 'request_timeout';
  if (status === 429) return 'rate_limited';
  if (status === 503) return 'service_unavailable';
  if (status >= 500) return 'internal_error';
  return 'invalid_request';
}

/**
 * A Stripe-style list object: a page of a top-level list.
 *
 * @example
 * listOf([], '/v1/entities', false); // { object: 'list', data: [], has_more: false, url: '/v1/entities' }
 */
export function listOf<T>(data: T[], url: string, hasMore: boolean): { object: 'list'; data: T[]; has_more: boolean; url: string } {
  return { object: 'list', data, has_more: hasMore, url };
}

/**
 * A list embedded in an object (a distribution's payments, a payment's notifications): it
 * always holds every item.
 *
 * @example
 * embeddedList([], '/v1/distributions/dst_1/payments').has_more; // false
 */
export function embeddedList<T>(data: T[], url: string): { object: 'list'; data: T[]; has_more: false; url: string } {
  return { object: 'list', data, has_more: false, url };
}
