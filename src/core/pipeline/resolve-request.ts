import type { RequestHandler } from 'express';
import { operationOf } from '../../apis/index.js';
import type { RequestState } from './request-state.js';

/** What an observer is told once a request is over. */
export interface Exchange {
  method: string;
  state: RequestState;
  status: number;
  /** Wall-clock time from arrival to the response being done (or the client gone). */
  durationMs: number;
  /** True when the client went away before the response was complete. */
  aborted: boolean;
}

/**
 * Listens to the life cycle of every request (msw-style): `started` when it arrives, already
 * resolved, `ended` once its response is done. The request log, the journal and coverage are
 * observers: they read what the pipeline resolved instead of working it out again.
 */
export interface RequestObserver {
  started?(state: RequestState): void;
  ended(exchange: Exchange): void;
}

/**
 * The door: resolves which API and documented operation a request is, once, into
 * `res.locals.request`, and tells the observers when it starts and ends (on `finish`, or on
 * `close` for a client that went away first, whichever comes first, once).
 *
 * @example
 * app.use(resolveRequest([journalObserver, requestLog]));
 */
export function resolveRequest(observers: readonly RequestObserver[]): RequestHandler {
  return function resolveRequestOnce(req, res, next) {
    const path = req.path;
    const method = req.method;
    const { api, operation } = operationOf(method, path);
    const state: RequestState = { api, operation, path };
    res.locals.request = state;
    if (observers.length === 0) return next();
    for (const observer of observers) observer.started?.(state);
    const started = performance.now();
    let done = false;
    const end = (): void => {
      if (done) return;
      done = true;
      const exchange: Exchange = { method, state, status: res.statusCode, durationMs: performance.now() - started, aborted: !res.writableFinished };
      for (const observer of observers) observer.ended(exchange);
    };
    res.once('finish', end);
    res.once('close', end);
    next();
  };
}
