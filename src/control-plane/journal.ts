import type { ApiName } from '../core/contract/spec.js';
import type { AppliedFault } from './fault-injection.js';

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

  record(entry: JournalEntry, context?: unknown): void {
    this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
    for (const listener of this.listeners) listener.recorded(entry, context);
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

  clear(): void {
    this.ring.fill(undefined);
    this.next = 0;
    this.size = 0;
    for (const listener of this.listeners) listener.cleared?.();
  }
}
