import type { CoverageTracker } from './coverage.js';
import type { JournalEntry, RequestJournal } from './journal.js';
import type { SharedSandboxState } from './shared-state.js';

/** One event of a workspace's shared log, as the log numbered it. */
export interface LoggedRow {
  /** The log's number: increasing per workspace, the same on every instance (the stream's event id). */
  id: number;
  kind: 'request' | 'timeline';
  /**
   * A request: its console row (masked, `src/console/rows.ts`), `seq` set to `id`. A timeline
   * event: the event; a `cleared` one says `through` (the last id it cleared).
   */
  value: Record<string, unknown>;
}

/** A coverage count as the shared log keeps it. */
export interface CoverageCount {
  api: string;
  operationId: string;
  /** The documented response key it counts under (`200`, `4XX`, `default`…). */
  status: string;
  n: number;
}

/**
 * Where a workspace's journal rows, console timeline and coverage counts go and come from when
 * several instances share it (`--database`): the journal, the coverage tracker and the console
 * feed hand it what this instance saw, and are told of every row any instance wrote, in the
 * log's order. In one process (the embedded store) there is none: the journal's ring, the
 * feed's and the coverage map are the whole state (`MemoryJournalLog` is the same contract in
 * memory, for tests). The PostgreSQL one is `src/backends/postgres/console-rows.ts`.
 *
 * Appending is the request path's only cost: it queues, and the log writes behind, in batches.
 */
export interface SharedJournalLog {
  /** Changes when the numbering starts over: an event id of another epoch means "start over". */
  readonly epoch: string;
  /** Request rows kept (the journal's capacity); the log keeps this many plus `TIMELINE_ROOM` events. */
  readonly capacity: number;
  /** Queues a request as the journal recorded it (`context`: the request's state, whose capture is the exchange). */
  appendRequest(entry: JournalEntry, context: unknown): void;
  /** Queues a console timeline event. */
  appendTimeline(event: { kind: string; time: string; [field: string]: unknown }): void;
  /** Queues one coverage count. */
  count(api: string, operationId: string, status: string): void;
  /** Clears the request rows, for every instance (a `cleared` timeline row says through which id). */
  clear(): void;
  /** Zeroes the coverage counts, for every instance. */
  resetCoverage(): void;
  /** Resolves once what was queued here is written and what any instance wrote before is read back. */
  sync(): Promise<void>;
  /** The coverage counts, after a `sync`. */
  coverage(): Promise<CoverageCount[]>;
  /** The rows kept, oldest first (what a listener made now starts from). */
  rows(): readonly LoggedRow[];
  /** Told of every row as it is read back, in id order; returns the function that stops it. */
  subscribe(listener: (rows: readonly LoggedRow[]) => void): () => void;
  /** Writes what is queued, then stops. */
  close(): Promise<void>;
}

/** Timeline events the log keeps beside its request rows (the console feed's extra room). */
export const TIMELINE_ROOM = 256;

/** The journal entry of a logged request row: exactly the fields `GET /_sandbox/requests` shows. */
export function entryOf(row: LoggedRow): JournalEntry {
  const v = row.value as unknown as JournalEntry;
  return {
    seq: row.id,
    time: v.time,
    api: v.api,
    operation: v.operation,
    method: v.method,
    path: v.path,
    status: v.status,
    duration_ms: v.duration_ms,
    matched_contract: v.matched_contract,
    problems: v.problems,
    failure: v.failure,
    fault: v.fault,
  };
}

/**
 * Makes a workspace's journal and coverage `log`'s (`--database`). The control plane clears
 * both when it sees another instance's reset (`onReset`); shared, the resetting instance has
 * cleared them for every instance already, and a late clear here would drop what was served
 * since, so that is left out.
 */
export function shareJournal(control: { journal: RequestJournal; coverage: CoverageTracker }, shared: SharedSandboxState | undefined, log: SharedJournalLog): void {
  control.journal.share(log);
  control.coverage.share(log);
  if (shared) shared.onReset = undefined;
}

/** Clears and coverage resets on their way to a shared log (see `clearsWritten`). */
const clearing = new Set<Promise<void>>();

/** A shared log's clear (or coverage reset) being written: `clearsWritten` waits for it. */
export function trackClear(write: Promise<void>): void {
  const settled = write.catch(() => undefined); // the database down: the reset answered already failed or will retry
  clearing.add(settled);
  void settled.then(() => clearing.delete(settled));
}

/**
 * Resolves once every clear under way in this process has reached its shared log. A reset's
 * answer waits for it: a request another instance serves after the answer must not be swept
 * by a clear still on its way. (The control plane's `reset()` clears synchronously; this is
 * where its writes become awaitable.) Nothing to wait for in one process.
 */
export async function clearsWritten(): Promise<void> {
  await Promise.all([...clearing]);
}
