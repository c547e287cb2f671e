import { STATUS_CODES } from 'node:http';
import type { Response } from 'express';
import type { RenderedError } from '../core/api-module.js';
import type { Failure } from '../core/errors.js';

/** RFC 9457 problem details, as the control API (and paths no API owns) answer errors. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
}

/**
 * A `Failure` as problem details: `type` is `about:blank`, so `title` is the HTTP reason phrase.
 *
 * @example
 * toProblem({ kind: 'validation', status: 400, message: 'seconds must be >= 0' });
 * // { type: 'about:blank', title: 'Bad Request', status: 400, detail: 'seconds must be >= 0' }
 */
export function toProblem(failure: Pick<Failure, 'status' | 'message'>): Problem {
  return { type: 'about:blank', title: STATUS_CODES[failure.status] ?? 'Error', status: failure.status, detail: failure.message };
}

/**
 * Sends a failure as `application/problem+json`, with the failure's headers.
 *
 * @example
 * sendProblem(res, { kind: 'not_found', status: 404, message: 'No route for GET /nope' });
 */
export function sendProblem(res: Response, failure: Pick<Failure, 'status' | 'message' | 'headers'>): void {
  if (failure.headers) res.set(failure.headers);
  res.status(failure.status).type('application/problem+json').json(toProblem(failure));
}

/**
 * A `Failure` rendered as a problem, for `renderFailures` at the end of the control plane and
 * of the app (paths no API owns).
 *
 * @example
 * router.use(renderFailures(renderProblem));
 */
export function renderProblem(failure: Pick<Failure, 'status' | 'message' | 'headers'>): RenderedError {
  return { status: failure.status, body: toProblem(failure), headers: { ...failure.headers, 'Content-Type': 'application/problem+json; charset=utf-8' } };
}
