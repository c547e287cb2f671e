import type { ReadAheadFound, ReadAheadPlan } from '../core/store/read-ahead.js';
import type { FaultBook } from './faults.js';

/**
 * The sandbox state beyond the records that every instance behind one `--database` must agree
 * on: the clock (offset and freeze), the armed faults, resets, and who runs auto-advance. The
 * in-memory default has none of this (one process is the whole sandbox); with `--database` it
 * is `PostgresSharedState`.
 *
 * Reads of the clock stay synchronous everywhere: the control plane calls `refresh()` as the
 * first step of every API and control request, which brings this instance's `SandboxClock`
 * and its view of the armed faults up to the shared state in one query. So a clock advanced
 * on one instance is the clock of the very next request on any other.
 */
export interface SharedSandboxState {
  /** The workspace this state is kept under ('default' until workspaces arrive). */
  readonly workspace: string;
  /** The armed faults, shared: a fault with `count: n` fires n times across all instances. */
  readonly faults: FaultBook;
  /** This instance's number among all that opened the workspace (1 for the first). */
  readonly instance: number;
  /**
   * Adopts the shared clock and faults (after this instance's own pending clock writes have
   * landed), and reads what the request's `plan` names in the same statement: resolves with
   * each record (undefined for none), in order, the page, and the outcome of the idempotency
   * claim the plan takes (`KeyClaimAhead`). Rejects with
   * `StoreUnavailableError` when the database cannot answer.
   */
  refresh(plan?: ReadAheadPlan): Promise<ReadAheadFound>;
  /**
   * The version of the state this instance holds while that copy is current as far as it can
   * know (with PostgreSQL, no change announced since it was read): a request with nothing else
   * to read may run on it instead of `refresh()`, as `AssumedSharedState` sets out. Undefined:
   * read it.
   */
  cachedVersion(): number | undefined;
  /** Whether the state is still at `version` (one read): what a request that ran on the copy asks before it answers without a commit. */
  stillAt(version: number): Promise<boolean>;
  /** Resolves once this instance's clock moves have reached the database (rejects if one failed). */
  flush(): Promise<void>;
  /** Faults cleared and the clock offset back to zero for every instance; `onReset` runs on the others. */
  reset(): Promise<void>;
  /**
   * Runs `work` while holding the workspace's auto-advance lock, so one instance at a time
   * progresses distributions. `wait: false` skips the run when another instance holds it.
   */
  exclusive(work: () => Promise<void>, wait: boolean): Promise<void>;
  close(): Promise<void>;
  /** Runs when this instance sees that another one reset the sandbox (the control plane clears its journal and coverage). */
  onReset: (() => void) | undefined;
  /**
   * Freezes the clock where it reads now, or lets it run on from there, for every instance
   * (the console's Freeze and Unfreeze), and adopts the result.
   */
  setFrozen(frozen: boolean): Promise<void>;
}
