import { setTimeout as delay } from 'node:timers/promises';
import type { RequestHandler } from 'express';
import { fail, type Failure } from '../core/errors.js';
import type { AppliedFault } from '../core/pipeline/request-state.js';
import type { FaultBook } from './faults.js';

export type { AppliedFault } from '../core/pipeline/request-state.js';

/** Waits `ms` milliseconds; tests may pass a controllable one. */
export type Sleep = (ms: number) => Promise<unknown>;

/**
 * The first step of each API's pipeline: applies armed faults, so a faulted request never
 * reaches authentication, the body, validation, a handler or Nova's idempotency store. The
 * fault is thrown as a `Failure` of kind `fault` and the API renders it in its own envelope.
 * Only the injected latency uses a real timer.
 *
 * @example
 * router.use(injectFaults(faults));
 */
export function injectFaults(faults: Pick<FaultBook, 'size' | 'take'>, sleep: Sleep = delay): RequestHandler {
  return async function injectFault(req, res, next) {
    if (faults.size === 0) return next();
    const fault = await faults.take(req.method, res.locals.request.path);
    if (!fault) return next();
    res.locals.request.fault = { id: fault.id, status: fault.status, latency_ms: fault.latency_ms } satisfies AppliedFault;
    if (fault.latency_ms > 0) await sleep(fault.latency_ms);
    if (fault.status === null) return next();
    const failure: Failure = { kind: 'fault', status: fault.status, message: `fault injected by the sandbox (${fault.id})` };
    if (fault.retry_after !== null) failure.headers = { 'Retry-After': String(fault.retry_after) };
    fail(failure);
  };
}
