import type { NextFunction, Response } from 'express';
import { StaleSharedStateError, type AssumedSharedState } from '../core/store/assumed-state.js';
import type { RequestState } from '../core/pipeline/request-state.js';
import type { WorkspaceScope } from '../workspaces/current.js';
import type { SharedSandboxState } from './shared-state.js';

/** A request running on this instance's copy of the shared state (`AssumedSharedState`), as `runOnCopy` set it up. */
export type RunOnCopy = NonNullable<RequestState['onCopy']>;

/**
 * Lets the request go on on the shared state's copy at `version`: the scope carries the version
 * to the store's commit, which checks it; an answer that no commit confirmed is held at
 * `res.end` until `shared.stillAt(version)` says the copy was current. When it was not (or the
 * check fails), `next` gets a `StaleSharedStateError` and the pipeline runs the request again
 * from the faults step, which `undo()`es this run first: status, headers, `res.json` and
 * `res.end` as they were, the request's state without what the steps after it added. An answer
 * already streaming (headers sent) cannot be taken back and goes out as it is; the APIs'
 * answers are single JSON bodies, sent at `res.end`.
 *
 * @example
 * state.onCopy = runOnCopy(res, scope, shared, version, next);
 */
export function runOnCopy(res: Response, scope: WorkspaceScope, shared: SharedSandboxState, version: number, next: NextFunction): RunOnCopy {
  const assumed: AssumedSharedState = { version, confirmed: false };
  scope.assumed = assumed;
  const state = res.locals.request;
  const before: RequestState = { ...state };
  const statusCode = res.statusCode;
  const headers = res.getHeaders();
  const json = res.json;
  const end = res.end;
  res.end = function endOnceConfirmed(this: Response, ...args: unknown[]): Response {
    if (assumed.confirmed || res.headersSent) {
      res.end = end;
      return (end as (...a: unknown[]) => Response).apply(res, args);
    }
    const runAgain = (): void => next(new StaleSharedStateError(version));
    shared.stillAt(version).then((same) => {
      if (!same) return runAgain();
      assumed.confirmed = true;
      res.end = end;
      (end as (...a: unknown[]) => Response).apply(res, args);
    }, runAgain); // the database could not say: the run again reads, and answers 503 if it still cannot
    return res;
  } as Response['end'];
  return {
    assumed,
    undo() {
      scope.assumed = undefined;
      res.end = end;
      res.json = json;
      res.statusCode = statusCode;
      for (const name of res.getHeaderNames()) if (!(name in headers)) res.removeHeader(name);
      for (const [name, value] of Object.entries(headers)) if (value !== undefined) res.setHeader(name, value);
      const fields = state as unknown as Record<string, unknown>;
      for (const key of Object.keys(fields)) if (!(key in before)) delete fields[key];
      Object.assign(state, before);
    },
  };
}
