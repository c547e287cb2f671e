import { randomBytes } from 'node:crypto';
import type { JournalEntry } from '../control-plane/journal.js';
import { TIMELINE_ROOM, type CoverageCount, type LoggedRow, type SharedJournalLog } from '../control-plane/shared-journal.js';
import type { RequestState } from '../core/pipeline/request-state.js';
import { captureOf } from './capture.js';
import { buildRow } from './rows.js';

/**
 * `SharedJournalLog` in memory: one log that several journals, coverage trackers and console
 * feeds of one process share as instances share the PostgreSQL one (console-rows.ts), with the
 * same contract: appends queue, `sync()` (or the batch timer) numbers and masks them and tells
 * every listener, in id order; a clear says through which id. The embedded store needs none
 * (one process is the whole sandbox: the journal's ring is the journal); tests use this one to
 * check the shared path without a database.
 *
 * @example
 * const log = new MemoryJournalLog(1000, () => clock.now());
 * journalA.share(log); journalB.share(log);
 * journalB.record(entry, state); await log.sync(); journalA.list(); // B's entry, numbered by the log
 */
export class MemoryJournalLog implements SharedJournalLog {
  readonly epoch = randomBytes(6).toString('base64url');
  private kept: LoggedRow[] = [];
  private last = 0;
  private queue: (() => LoggedRow)[] = [];
  private readonly counts = new Map<string, CoverageCount>();
  private readonly listeners = new Set<(rows: readonly LoggedRow[]) => void>();
  private scheduled = false;

  constructor(
    readonly capacity: number,
    private readonly now: () => Date,
    private readonly batchMs = 40,
  ) {}

  appendRequest(entry: JournalEntry, state: unknown): void {
    const capture = captureOf(state);
    this.enqueue(() => {
      const value = buildRow(entry, state as RequestState | undefined, capture); // a fresh row: numbered in place, not re-spread
      value.seq = ++this.last;
      return { id: this.last, kind: 'request', value: value as unknown as Record<string, unknown> };
    });
  }

  appendTimeline(event: { kind: string; time: string; [field: string]: unknown }): void {
    this.enqueue(() => ({ id: ++this.last, kind: 'timeline', value: { ...event } }));
  }

  count(api: string, operationId: string, status: string): void {
    const key = `${api} ${operationId} ${status}`;
    const count = this.counts.get(key);
    if (count) count.n += 1;
    else this.counts.set(key, { api, operationId, status, n: 1 });
  }

  clear(): void {
    const time = this.now().toISOString();
    this.enqueue(() => {
      const through = this.last;
      return { id: ++this.last, kind: 'timeline', value: { kind: 'cleared', time, through } };
    });
  }

  resetCoverage(): void {
    this.counts.clear();
  }

  sync(): Promise<void> {
    this.flush();
    return Promise.resolve();
  }

  coverage(): Promise<CoverageCount[]> {
    return Promise.resolve([...this.counts.values()].map((count) => ({ ...count })));
  }

  rows(): readonly LoggedRow[] {
    return this.kept;
  }

  subscribe(listener: (rows: readonly LoggedRow[]) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  close(): Promise<void> {
    this.flush();
    return Promise.resolve();
  }

  private enqueue(make: () => LoggedRow): void {
    this.queue.push(make);
    if (this.scheduled) return;
    this.scheduled = true;
    setTimeout(() => this.flush(), this.batchMs).unref();
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue.splice(0).map((make) => make());
    if (batch.length === 0) return;
    let kept = [...this.kept, ...batch];
    for (const row of batch) {
      const through = row.value.kind === 'cleared' ? row.value.through : undefined;
      if (typeof through === 'number') kept = kept.filter((k) => k.kind !== 'request' || k.id > through);
    }
    this.kept = kept.slice(-(this.capacity + TIMELINE_ROOM));
    for (const listener of this.listeners) listener(batch);
  }
}
