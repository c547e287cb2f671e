import type { RenderedError } from '../../core/api-module.js';
import type { Failure } from '../../core/errors.js';
import { MESSAGES } from './messages.js';

/** `{"statusCode":"101","statusDesc":"Ok", ...payload}`: every NorCap success. */
export function ok<T extends object>(payload: T): { statusCode: '101'; statusDesc: 'Ok' } & T {
  return { statusCode: '101', statusDesc: 'Ok', ...payload };
}

/**
 * The one place NorCap failures become responses: `{statusCode, statusDesc, field?}`.
 * Published codes are 1400 and 1422; other statuses answer `"1" + HTTP status` (sandbox rule).
 * Body-level problems (malformed JSON, wrong media type, an oversized body) are 400 / 1400,
 * since NorCap documents 1400 for every invalid request.
 */
export function renderNorcapError(failure: Failure): RenderedError {
  const status = httpStatusFor(failure);
  const body: { statusCode: string; statusDesc: string; field?: string } = {
    statusCode: `1${status}`,
    statusDesc: describe(failure, status),
  };
  if (failure.field) body.field = failure.field;
  const headers = { ...failure.headers };
  if (status === 401) headers['WWW-Authenticate'] = 'Bearer realm="norcap"';
  return { status, body, headers };
}

function httpStatusFor(failure: Failure): number {
  switch (failure.kind) {
    case 'malformed_json':
    case 'body_too_large':
    case 'unsupported_media_type':
    case 'validation':
      return 400;
    default:
      return failure.status;
  }
}

function describe(failure: Failure, status: number): string {
  switch (failure.kind) {
    case 'rule':
      return failure.message; // already one of MESSAGES
    case 'malformed_json':
    case 'body_too_large':
    case 'unsupported_media_type':
    case 'validation':
      return MESSAGES.badRequest(failure.message);
    case 'unauthenticated':
    case 'forbidden':
      return MESSAGES.unauthorized(failure.message);
    case 'not_found':
      return MESSAGES.notFound(failure.message);
    case 'method_not_allowed':
      return MESSAGES.methodNotAllowed();
    default:
      if (status === 429) return MESSAGES.tooManyRequests();
      if (status === 503) return MESSAGES.unavailable();
      return status >= 500 ? MESSAGES.serverError() : MESSAGES.badRequest(failure.message);
  }
}
