import type { ApiName } from '../core/contract/spec.js';
import type { AppliedFault } from './fault-injection.js';
import { entryOf, type LoggedRow, type SharedJournalLog } from './shared-journal.js';

/** One request to the mocked APIs, as `GET /_sandbox/requests` shows it. */
export interface JournalEntry {
  seq: number;
  /** Arrival, sandbox time, ISO 8601. */
  time: string;
  api: ApiName | null;
  /** The spec's operationId, or null when no documented operation matches. */
  operation: string | null;
  method: string;
  path: string;
  status: number;
  duration_ms: number;
  matched_contract: boolean;
  /** Why the request did not match the contract. */
  problems: string[];
  failure: { kind: string; message: string; field?: string } | null;
  fault: AppliedFault | null;
}

export interface JournalFilter {
  /** An API, or `none` for requests no API owns. */
  api?: ApiName | 'none';
  /** Path prefix. */
  path?: string;
  status?: number;
  limit?: number;
}

export const DEFAULT_JOURNAL_SIZE = 1000;

/**
 * Told of every entry as it is appended and of every clear (the console's live feed listens,
 * src/console/). `context` is what the recorder passed beside the entry (the journal observer
 * passes the request's state). Listeners run synchronously inside `record`: they must only
 * queue work, never do it.
 */
export interface JournalListener {
  recorded(entry: JournalEntry, context: unknown): void;
  cleared?(): void;
}

/**
 * The last `capacity` requests, in a ring buffer: recording is O(1) and memory stays bounded
 * however long the sandbox runs.
 *
 * @example
 * const journal = new RequestJournal(2);
 * journal.record(entryA); journal.record(entryB); journal.record(entryC);
 * journal.list().map((e) => e.seq); // [C, B]: newest first, A dropped
 */
export class RequestJournal {
  private readonly ring: (JournalEntry | undefined)[];
  private next = 0;
  private size = 0;
  private readonly listeners = new Set<JournalListener>();

  constructor(readonly capacity = DEFAULT_JOURNAL_SIZE) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('journal capacity must be a positive integer');
    this.ring = new Array<JournalEntry | undefined>(capacity);
  }

  /** With `--database`: the workspace's log every instance writes; undefined in one process. */
  private log: SharedJournalLog | undefined;

  record(entry: JournalEntry, context?: unknown): void {
    if (this.log) {
      // Shared: only queued here; the entry comes back numbered, with every instance's, from the log.
      this.log.appendRequest(entry, context);
      return;
    }
    this.push(entry);
    for (const listener of this.listeners) listener.recorded(entry, context);
  }

  /**
   * From now on the journal is `log`'s (`--database`): recording queues there, and this ring
   * holds the request rows every instance wrote, as the log numbered them (`seq` is the log's
   * id), so `list()` shows them all (`await sync()` first to include the latest). Listeners are
   * told of those rows as they are read back (`context`: the masked console row), not of a
   * `record` itself; the console feed reads the log directly.
   */
  share(log: SharedJournalLog): void {
    this.log = log;
    this.clearRing();
    this.adopt(log.rows());
    log.subscribe((rows) => this.adopt(rows));
  }

  /** The shared log, if any (the console feed reads it). */
  get shared(): SharedJournalLog | undefined {
    return this.log;
  }

  /** Resolves once what any instance recorded before is listed here (at once in one process). */
  async sync(): Promise<void> {
    await this.log?.sync();
  }

  /** Rows the log read back, every instance's: listed here, and told to listeners as they would be in one process. */
  private adopt(rows: readonly LoggedRow[]): void {
    for (const row of rows) {
      if (row.kind === 'request') {
        const entry = entryOf(row);
        this.push(entry);
        for (const listener of this.listeners) listener.recorded(entry, row.value);
      } else if (row.value.kind === 'cleared' && typeof row.value.through === 'number') {
        this.dropThrough(row.value.through);
        for (const listener of this.listeners) listener.cleared?.();
      }
    }
  }

  /** Drops the entries up to `seq` (a clear another instance made, or this one). */
  private dropThrough(seq: number): void {
    const kept = this.list({ limit: this.capacity }).entries.filter((entry) => entry.seq > seq);
    this.clearRing();
    for (const entry of kept.reverse()) this.push(entry);
  }

  private push(entry: JournalEntry): void {
    this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  /** Listens to appends and clears; returns the function that stops listening. */
  subscribe(listener: JournalListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Matching entries, newest first, at most `limit` (default 100); `total` counts them all. */
  list(filter: JournalFilter = {}): { entries: JournalEntry[]; total: number } {
    const limit = filter.limit ?? 100;
    const entries: JournalEntry[] = [];
    let total = 0;
    for (let i = 1; i <= this.size; i++) {
      const entry = this.ring[(this.next - i + this.capacity) % this.capacity] as JournalEntry;
      if (filter.api !== undefined && (entry.api ?? 'none') !== filter.api) continue;
      if (filter.path !== undefined && !entry.path.startsWith(filter.path)) continue;
      if (filter.status !== undefined && entry.status !== filter.status) continue;
      total += 1;
      if (entries.length < limit) entries.push(entry);
    }
    return { entries, total };
  }

  /** Empties the journal; shared, for every instance (the log says through which row). */
  clear(): void {
    this.clearRing();
    if (this.log) this.log.clear();
    else for (const listener of this.listeners) listener.cleared?.();
  }

  private clearRing(): void {
    this.ring.fill(undefined);
    this.next = 0;
    this.size = 0;
  }
}
