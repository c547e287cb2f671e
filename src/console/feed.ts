import { randomBytes } from 'node:crypto';
import type { JournalEntry, RequestJournal } from '../control-plane/journal.js';
import type { LoggedRow, SharedJournalLog } from '../control-plane/shared-journal.js';
import type { RequestState } from '../core/pipeline/request-state.js';
import { captureOf, type RawCapture } from './capture.js';
import { rowParts, type RequestRow, type RowHead } from './rows.js';

/** Events gather this long (milliseconds) before a batch is built and sent. */
export const DEFAULT_BATCH_MS = 40;

/**
 * The most request frames built in one turn of the event loop. A batch holds 40 ms of traffic
 * (150 rows at 4,000 req/s); built in one go it held every request meanwhile for a few
 * milliseconds, which showed in the p99 with consoles open. Built a slice at a time, the
 * requests run in between, and the batch still goes out as one write per console.
 */
export const DEFAULT_SLICE_ROWS = 24;

/** What the stream sends of a request: everything but its exchange (headers, bodies, violations). */
export type RowSummary = Omit<RequestRow, 'request' | 'response' | 'violations'> & { feed_seq: number; violations: number };

/** A row's summary: its head, with the violations counted. */
function summaryOf(head: RowHead, feedSeq: number): RowSummary {
  return { ...head, violations: head.violations.length, feed_seq: feedSeq };
}

/** The head of a whole row (a shared row read back from the log): the row without its exchange. */
function headOfRow({ request: _request, response: _response, ...head }: RequestRow): RowHead {
  return head;
}

/** A timeline event that is not a request: a clock move, a fault, a lifecycle move, a reset. */
export type TimelineEvent =
  | { kind: 'clock'; time: string; seconds: number; now: string; moved: Moved[] }
  | { kind: 'fault_armed'; time: string; fault: { id: string; method: string; path: string; status: number | null; latency_ms: number; count: number } }
  | { kind: 'fault_disarmed'; time: string; id: string | null }
  | { kind: 'lifecycle'; time: string; api: string; id: string; from: string | null; to: string }
  | { kind: 'reset'; time: string }
  | { kind: 'cleared'; time: string };

export interface Moved {
  api: string;
  id: string;
  from: string;
  to: string;
}

/** One event of the feed as the stream sends it: already serialized, once, for every subscriber. */
export interface FeedItem {
  seq: number;
  /** The SSE event name: `request` or `timeline`. */
  event: 'request' | 'timeline';
  /** The whole event as JSON: a request's full row (its exchange too), for the detail view and the exports. */
  data: string;
  /** The journal seq of a request row. */
  journalSeq?: number;
  /**
   * The SSE frame (`id:`, `event:`, `data:`), written as is to every console: for a request its
   * summary (what the table, the filters and the timeline show), the rest fetched when opened.
   */
  frame: string;
}

/**
 * A connected console: `send` gets the items of one batch together (one write per console per
 * batch, however many rows it holds) and returns false once the console was dropped (too slow).
 */
export interface Subscriber {
  send(items: readonly FeedItem[]): boolean;
}

type Pending = { request: JournalEntry; state: unknown; capture: ReturnType<typeof captureOf> } | { timeline: TimelineEvent };

/**
 * The live feed of one workspace's console: the requests its journal records and the timeline
 * events of its controls, numbered (the stream's event ids), in a bounded ring. Recording only
 * queues: rows are built (masked, serialized) once per batch, at most `batchMs` later, `sliceRows`
 * frames per turn of the event loop, then handed to every subscriber in one write each. A reconnecting console resumes after the last id it saw.
 *
 * @example
 * const feed = new ConsoleFeed(workspace.control.journal, () => workspace.ctx.clock.now());
 * feed.subscribe({ send: (items) => res.write(items.map((i) => i.frame).join('')) }, lastEventId, (plan) => sayHello(plan));
 */
export class ConsoleFeed {
  /**
   * Changes whenever this feed is made (a restart): an id from another epoch means "start over".
   * Shared (`--database`): the log's, the same on every instance, whose ids the log numbers.
   */
  readonly epoch: string;
  readonly capacity: number;
  private readonly ring: (FeedItem | undefined)[];
  private next = 0;
  private size = 0;
  private seq = 0;
  /** Request rows before this feed seq were cleared (the journal was cleared). */
  private clearedBefore = 0;
  private pending: Pending[] = [];
  private scheduled = false;
  private readonly subscribers = new Set<Subscriber>();
  /** Items in the ring that the consoles have not been sent yet, their frames built up to `built`. */
  private outbound: FeedItem[] = [];
  private built = 0;
  /** A slice of `outbound` is scheduled to be built. */
  private draining = false;
  readonly stop: () => void;
  /** With `--database`: the workspace's log, which numbers every instance's events (see `SharedJournalLog`). */
  private readonly log: SharedJournalLog | undefined;

  constructor(
    journal: RequestJournal,
    private readonly now: () => Date,
    extraCapacity = 256,
    /** How long events gather before they are built and sent (one write per console per batch). */
    private readonly batchMs = DEFAULT_BATCH_MS,
    /** The most frames built per turn of the event loop. */
    private readonly sliceRows = DEFAULT_SLICE_ROWS,
  ) {
    this.capacity = journal.capacity + extraCapacity;
    this.ring = new Array<FeedItem | undefined>(this.capacity);
    this.log = journal.shared;
    if (this.log) {
      // Shared: events go to the log, and come back numbered with every instance's.
      this.epoch = this.log.epoch;
      this.deliver(this.log.rows());
      this.stop = this.log.subscribe((rows) => this.deliver(rows));
      return;
    }
    this.epoch = randomBytes(6).toString('base64url');
    // What the journal holds already (recorded before this feed existed), without its exchange.
    for (const entry of journal.list({ limit: journal.capacity }).entries.reverse()) this.pending.push({ request: entry, state: undefined, capture: undefined });
    this.flush();
    this.stop = journal.subscribe({
      recorded: (entry, state) => this.queue({ request: entry, state, capture: captureOf(state) }),
      cleared: () => this.queue({ timeline: { kind: 'cleared', time: this.now().toISOString() } }),
    });
  }

  /** Adds a timeline event (from the controls). */
  add(event: TimelineEvent): void {
    if (this.log) this.log.appendTimeline(event);
    else this.queue({ timeline: event });
  }

  /** The stream id of an item: `<epoch>.<seq>`. */
  idOf(item: FeedItem): string {
    return `${this.epoch}.${item.seq}`;
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /**
   * Connects a console. `lastEventId` (the stream's `Last-Event-ID`) resumes after it; anything
   * else (none, another epoch) gets everything kept. `hello` is told first whether the console
   * starts over (`fresh`) and how many events it missed for good (`gap`); then the backlog is
   * sent, then the live events.
   */
  subscribe(subscriber: Subscriber, lastEventId: string | undefined, hello: (plan: { fresh: boolean; gap: number }) => void): () => void {
    this.flush(); // what is queued now goes in the backlog, not twice
    this.sendOutbound(); // and what the consoles already here are owed goes to them, not to this one
    const match = /^([A-Za-z0-9_-]+)\.(\d+)$/.exec(lastEventId ?? '');
    // Shared, an id past what this instance has read yet is another instance's: resume after it
    // all the same, and what arrives up to it is not sent twice.
    const resume = match && match[1] === this.epoch && (Number(match[2]) <= this.seq || this.log) ? Number(match[2]) : undefined;
    const backlog = this.items().filter((item) => resume === undefined || item.seq > resume);
    const oldest = this.size === 0 ? this.seq + 1 : (this.ring[(this.next - this.size + this.capacity) % this.capacity] as FeedItem).seq;
    hello({ fresh: resume === undefined, gap: resume !== undefined && oldest > resume + 1 && resume < this.seq ? oldest - resume - 1 : 0 });
    if (backlog.length > 0 && !subscriber.send(backlog)) return () => undefined;
    const live: Subscriber = resume !== undefined && resume > this.seq ? { send: (items) => sendAfter(subscriber, items, resume) } : subscriber;
    this.subscribers.add(live);
    return () => void this.subscribers.delete(live);
  }

  /** Every kept item, oldest first, cleared request rows left out. */
  items(): FeedItem[] {
    const out: FeedItem[] = [];
    for (let i = this.size; i >= 1; i--) {
      const item = this.ring[(this.next - i + this.capacity) % this.capacity] as FeedItem;
      if (item.event === 'request' && item.seq < this.clearedBefore) continue;
      out.push(item);
    }
    return out;
  }

  /** The kept request rows, oldest first (the exports read them). */
  rows(): RequestRow[] {
    this.flush();
    return this.items()
      .filter((item) => item.event === 'request')
      .map((item) => JSON.parse(item.data) as RequestRow);
  }

  /** One kept request's full row, by its journal seq (the detail view), or undefined once dropped or cleared. */
  row(journalSeq: number): RequestRow | undefined {
    this.flush();
    const item = this.items().find((i) => i.journalSeq === journalSeq);
    return item ? (JSON.parse(item.data) as RequestRow) : undefined;
  }

  /** The kept timeline events, oldest first. */
  timeline(): { kind: string; [field: string]: unknown }[] {
    this.flush();
    return this.items()
      .filter((item) => item.event === 'timeline')
      .map((item) => JSON.parse(item.data) as { kind: string });
  }

  private queue(pending: Pending): void {
    this.pending.push(pending);
    if (this.scheduled) return;
    this.scheduled = true;
    // A person reads no faster than this; a batch costs each console one write, whatever it holds.
    setTimeout(() => this.flush(), this.batchMs).unref();
  }

  /** Shared: rows the log read back (this instance's and the others'), in id order, to the ring and every console. */
  private deliver(rows: readonly LoggedRow[]): void {
    const built: FeedItem[] = [];
    for (const row of rows) {
      if (row.id <= this.seq) continue; // read already (the log's first rows and its first delivery may overlap)
      this.seq = row.id;
      if (row.kind === 'timeline' && row.value.kind === 'cleared' && typeof row.value.through === 'number') this.clearedBefore = row.value.through + 1;
      const item = loggedItem(this.epoch, row);
      this.ring[this.next] = item;
      this.next = (this.next + 1) % this.capacity;
      this.size = Math.min(this.size + 1, this.capacity);
      built.push(item);
    }
    this.send(built);
  }

  /** Builds and sends what is queued. */
  flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    const built: FeedItem[] = [];
    for (const pending of batch) {
      const seq = ++this.seq;
      let item: FeedItem;
      if ('request' in pending) {
        // Built when first read (a console connected, a row opened, an export), not per request:
        // with no console open, a request costs the console its raw capture and nothing more.
        item = lazyRequestItem(this.epoch, seq, pending.request, pending.state as RequestState | undefined, pending.capture);
      } else {
        if (pending.timeline.kind === 'cleared') this.clearedBefore = seq;
        // JSON.stringify leaves no raw line break in `data`: one `data:` line is the whole event.
        const data = JSON.stringify({ ...pending.timeline, feed_seq: seq });
        item = { seq, event: 'timeline', data, frame: `id: ${this.epoch}.${seq}\nevent: timeline\ndata: ${data}\n\n` };
      }
      this.ring[this.next] = item;
      this.next = (this.next + 1) % this.capacity;
      this.size = Math.min(this.size + 1, this.capacity);
      built.push(item);
    }
    this.send(built);
  }

  /** Hands new ring items to the consoles: their frames built a slice at a time, then one write each. */
  private send(items: readonly FeedItem[]): void {
    if (items.length === 0 || this.subscribers.size === 0) return; // nobody to send to: the items stay unbuilt
    for (const item of items) this.outbound.push(item);
    if (!this.draining) this.drain();
  }

  /** Builds up to `sliceRows` frames; yields to the requests waiting if any are left, else sends them all. */
  private drain(): void {
    this.draining = false;
    const end = Math.min(this.outbound.length, this.built + this.sliceRows);
    for (; this.built < end; this.built++) void (this.outbound[this.built] as FeedItem).frame;
    if (this.built < this.outbound.length) {
      this.draining = true;
      setImmediate(() => this.drain());
      return;
    }
    this.sendOutbound();
  }

  /** Sends every outbound item now, in order, in one write per console (frames not yet built are built here). */
  private sendOutbound(): void {
    const items = this.outbound;
    if (items.length === 0) return;
    this.outbound = [];
    this.built = 0;
    for (const subscriber of this.subscribers) if (!subscriber.send(items)) this.subscribers.delete(subscriber);
  }
}

/** Sends what comes after `resume` (the rows of a resumed console that this instance had not read yet). */
function sendAfter(subscriber: Subscriber, items: readonly FeedItem[], resume: number): boolean {
  const after = items.filter((item) => item.seq > resume);
  return after.length === 0 || subscriber.send(after);
}

/** A logged row's feed item (shared): its SSE frame and its JSON each made on first read, once. */
function loggedItem(epoch: string, row: LoggedRow): FeedItem {
  if (row.kind === 'timeline') {
    const data = JSON.stringify({ ...row.value, feed_seq: row.id });
    return { seq: row.id, event: 'timeline', data, frame: `id: ${epoch}.${row.id}\nevent: timeline\ndata: ${data}\n\n` };
  }
  const whole = (): RequestRow => ({ ...row.value, seq: row.id }) as unknown as RequestRow;
  return lazyItem(epoch, row.id, row.id, { head: () => headOfRow(whole()), row: whole });
}

/** A request's feed item whose row, SSE frame and JSON are made on first read, once. */
function lazyRequestItem(epoch: string, seq: number, entry: JournalEntry, state: RequestState | undefined, capture: RawCapture | undefined): FeedItem {
  return lazyItem(epoch, seq, entry.seq, rowParts(entry, state, capture));
}

/**
 * A request row's feed item, built lazily and each part once: the frame (the row's head, its
 * summary) when a console is sent it, the whole row and its JSON only when a row is opened or
 * exported. A stream pays for the head alone: building and serializing every row's exchange
 * too, 40 ms of rows at a time, showed in the create's p99 with 20 consoles connected.
 */
function lazyItem(epoch: string, seq: number, journalSeq: number, parts: { head(): RowHead; row(): RequestRow }): FeedItem {
  let data: string | undefined;
  let frame: string | undefined;
  return {
    seq,
    event: 'request',
    journalSeq,
    get data() {
      // JSON.stringify leaves no raw line break in `data`: one `data:` line is the whole event.
      return (data ??= JSON.stringify({ ...parts.row(), feed_seq: seq }));
    },
    get frame() {
      return (frame ??= `id: ${epoch}.${seq}\nevent: request\ndata: ${JSON.stringify(summaryOf(parts.head(), seq))}\n\n`);
    },
  };
}
