import { performance } from 'node:perf_hooks';
import type { RequestHandler } from 'express';
import { isSandboxPath, operationOf } from '../apis/index.js';
import type { SandboxClock } from '../core/clock.js';
import type { Failure, FailureKind } from '../core/errors.js';
import type { CoverageTracker } from './coverage.js';
import type { AppliedFault } from './fault-injection.js';
import type { JournalEntry, RequestJournal } from './journal.js';

/**
 * Failures that mean the request itself broke its API's spec (its schema or its security
 * requirement), as opposed to a business rule or a resource that does not exist. An undocumented
 * route is caught separately: no operation matches it.
 */
const CONTRACT_BREAKING: ReadonlySet<FailureKind> = new Set<FailureKind>([
  'validation',
  'malformed_json',
  'body_too_large',
  'unsupported_media_type',
  'unauthenticated',
  'method_not_allowed',
]);

/** Paths the journal and coverage leave out: the controls themselves and the health probe. */
function isUnobserved(path: string): boolean {
  return path === '/healthz' || isSandboxPath(path);
}

/**
 * Records every request of the mocked APIs once it is answered: a journal entry (which API and
 * operation, status, duration, whether it matched the contract and why not) and a coverage
 * count for the documented operation it hit. The work happens on `finish`, after the answer is
 * sent; the error handler leaves the `Failure` on `res.locals.failure` and fault injection the
 * fault on `res.locals.fault`.
 *
 * @example
 * app.use(observeRequests({ journal, coverage, clock }));
 */
export function observeRequests(deps: { journal: RequestJournal; coverage: CoverageTracker; clock: SandboxClock }): RequestHandler {
  let seq = 0;
  return function observeRequest(req, res, next) {
    const path = req.path;
    if (isUnobserved(path)) return next();
    const method = req.method;
    const arrived = deps.clock.now();
    const started = performance.now();
    res.once('finish', function recordExchange() {
      const { api, operation } = operationOf(method, path);
      const failure = res.locals.failure as Failure | undefined;
      const problems: string[] = [];
      if (!api) problems.push(`no API serves ${path}`);
      else if (!operation) problems.push(`${method} ${path} is not an operation of openapi/${api}.yaml`);
      else if (failure && CONTRACT_BREAKING.has(failure.kind)) problems.push(failure.message);
      if (operation) deps.coverage.record(operation, res.statusCode);
      const entry: JournalEntry = {
        seq: ++seq,
        time: arrived.toISOString(),
        api,
        operation: operation?.operationId ?? null,
        method,
        path,
        status: res.statusCode,
        duration_ms: Math.round((performance.now() - started) * 100) / 100,
        matched_contract: problems.length === 0,
        problems,
        failure: failure ? { kind: failure.kind, message: failure.message, ...(failure.field ? { field: failure.field } : {}) } : null,
        fault: (res.locals.fault as AppliedFault | undefined) ?? null,
      };
      deps.journal.record(entry);
    });
    next();
  };
}
