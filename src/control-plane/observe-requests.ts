import type { SandboxClock } from '../core/clock.js';
import type { FailureKind } from '../core/errors.js';
import type { Exchange, RequestObserver } from '../core/pipeline/resolve-request.js';
import type { RequestState } from '../core/pipeline/request-state.js';
import type { CoverageTracker } from './coverage.js';
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

/** Requests the journal and coverage leave out: the controls themselves and the health probe. */
function isUnobserved(state: RequestState): boolean {
  return state.api === 'sandbox' || state.path === '/healthz';
}

/**
 * Records every request of the mocked APIs once it is answered: a journal entry (which API and
 * operation, status, duration, whether it matched the contract and why not) and a coverage
 * count for the documented operation it hit. All of it is read from the request's state, as the
 * pipeline resolved it at the door and added to it (fault, failure) on the way.
 *
 * @example
 * app.use(resolveRequest([journalObserver({ journal, coverage, clock })]));
 */
export function journalObserver(deps: { journal: RequestJournal; coverage: CoverageTracker; clock: SandboxClock }): RequestObserver {
  let seq = 0;
  const arrivals = new WeakMap<RequestState, string>();
  return {
    started(state) {
      if (!isUnobserved(state)) arrivals.set(state, deps.clock.now().toISOString());
    },
    ended({ method, state, status, durationMs }: Exchange) {
      const time = arrivals.get(state);
      if (time === undefined || state.preflight) return;
      const { api, operation, path, failure } = state;
      const problems: string[] = [];
      if (!api) problems.push(`no API serves ${path}`);
      else if (!operation) problems.push(`${method} ${path} is not an operation of openapi/${api}.yaml`);
      else if (failure && CONTRACT_BREAKING.has(failure.kind)) problems.push(failure.message);
      if (operation) deps.coverage.record(operation, status);
      const entry: JournalEntry = {
        seq: ++seq,
        time,
        api,
        operation: operation?.operationId ?? null,
        method,
        path,
        status,
        duration_ms: Math.round(durationMs * 100) / 100,
        matched_contract: problems.length === 0,
        problems,
        failure: failure ? { kind: failure.kind, message: failure.message, ...(failure.field ? { field: failure.field } : {}) } : null,
        fault: state.fault ?? null,
      };
      deps.journal.record(entry, state); // the state goes to listeners (the console reads its capture)
    },
  };
}
