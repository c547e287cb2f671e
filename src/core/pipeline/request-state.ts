import type { Response } from 'express';
import type { OperationRef } from '../contract/operations.js';
import type { ApiName } from '../contract/spec.js';
import type { Failure } from '../errors.js';
import type { FetchedPage, KeyClaimAhead, ReadAheadRecords } from '../store/read-ahead.js';
import type { KeyClaimResult } from '../store/record-store.js';
import type { AssumedSharedState } from '../store/assumed-state.js';

/** The fault applied to a request (the journal shows it). */
export interface AppliedFault {
  id: string;
  status: number | null;
  latency_ms: number;
}

/**
 * What the pipeline learns about one request, resolved once at the door and added to as the
 * request walks on: which API and documented operation it is (`resolveRequest`), the fault it
 * got, the failure it ended in. Observers (the request log, the journal, coverage) read it when
 * the response is done instead of working any of it out again.
 */
export interface RequestState {
  /** The API owning the path (`sandbox` for the controls), or null. */
  api: ApiName | null;
  /** The documented operation the method and path hit, if any. */
  operation: OperationRef | undefined;
  /** The path without its query string. */
  path: string;
  fault?: AppliedFault;
  /** The records fetched with the shared state before any step (`--database`; see `readRecord`). */
  readAhead?: ReadAheadRecords;
  /** The page fetched with the shared state (`--database`; see `readPage`). */
  pageAhead?: FetchedPage | undefined;
  /** The idempotency claim taken with the shared state (`--database`; see `KeyClaimAhead`), until the idempotency step adopts it. */
  claimAhead?: { ahead: KeyClaimAhead; result: KeyClaimResult | undefined; adopted: boolean };
  /** The body read before the faults step for the read-ahead (`readBodyAhead`): the JSON step then only rethrows its failure. */
  bodyAhead?: { error: unknown };
  /**
   * With `--database`: the request runs on this instance's copy of the shared state, not a read
   * of its own (`AssumedSharedState`); `undo` puts the response back as the faults step found
   * it, before the request runs again on a fresh read.
   */
  onCopy?: { assumed: AssumedSharedState; undo(): void };
  failure?: Failure;
  /** What was thrown when the failure is an internal error (logged with its stack, never sent). */
  internalError?: unknown;
  /** True for a CORS preflight answered by the pipeline (not an API call). */
  preflight?: boolean;
  /** The problems `--strict` found in the response. */
  contractViolation?: string[];
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      /** Set by `resolveRequest` on every request. */
      request: RequestState;
    }
  }
}

/** The request's state, as `resolveRequest` left it. */
export function stateOf(res: Response): RequestState {
  return res.locals.request;
}
