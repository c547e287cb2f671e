import { setTimeout as delay } from 'node:timers/promises';
import type { RequestHandler } from 'express';
import { apiForPath } from '../apis/index.js';
import { fail, type Failure } from '../core/errors.js';
import type { FaultRegistry } from './faults.js';

/** Waits `ms` milliseconds; tests may pass a controllable one. */
export type Sleep = (ms: number) => Promise<unknown>;

/** The fault applied to a request, kept on `res.locals.fault` for the journal. */
export interface AppliedFault {
  id: string;
  status: number | null;
  latency_ms: number;
}

/**
 * Applies armed faults to requests of the mocked APIs. Mounted before the API routers, so a
 * faulted request never reaches authentication, validation, a handler or Nova's idempotency
 * store: the fault is thrown as a `Failure` of kind `fault` and the app's error handler has the
 * owning API render it in its own envelope. Only the injected latency uses a real timer.
 *
 * @example
 * app.use(injectFaults(faults));
 */
export function injectFaults(faults: FaultRegistry, sleep: Sleep = delay): RequestHandler {
  return async function injectFault(req, res, next) {
    if (faults.size === 0 || !apiForPath(req.path)) return next();
    const fault = faults.take(req.method, req.path);
    if (!fault) return next();
    res.locals.fault = { id: fault.id, status: fault.status, latency_ms: fault.latency_ms } satisfies AppliedFault;
    if (fault.latency_ms > 0) await sleep(fault.latency_ms);
    if (fault.status === null) return next();
    const failure: Failure = { kind: 'fault', status: fault.status, message: `fault injected by the sandbox (${fault.id})` };
    if (fault.retry_after !== null) failure.headers = { 'Retry-After': String(fault.retry_after) };
    fail(failure);
  };
}
