import type { SandboxClock } from '../../core/clock.js';
import type { RequestState } from '../../core/pipeline/request-state.js';
import type { JournalEntry } from '../../control-plane/journal.js';
import { TIMELINE_ROOM, trackClear, type CoverageCount, type LoggedRow, type SharedJournalLog } from '../../control-plane/shared-journal.js';
import { captureOf, type RawCapture } from '../../console/capture.js';
import { DEFAULT_BATCH_MS } from '../../console/feed.js';
import { buildRow, type RequestRow } from '../../console/rows.js';
import type { ConsoleChannel } from './console-channel.js';
import { isUnavailable } from './pool.js';

export interface PostgresConsoleRowsOptions {
  channel: ConsoleChannel;
  workspace: string;
  /** The journal's capacity: request rows kept (plus `TIMELINE_ROOM` timeline events). */
  capacity: number;
  /** The workspace's clock (the time of a clear). */
  clock: SandboxClock;
  /** How long appends gather before one write (default: the console feed's batch). */
  batchMs?: number;
}

/**
 * `at`: this host's wall clock (`Date.now()`, which follows the system clock as NTP corrects it,
 * where a process's monotonic clock drifts from it) as the request was answered, or as the
 * clear was asked for. A request answered in the clear's own millisecond counts as after it.
 */
type Queued = { request: JournalEntry; state: unknown; capture: RawCapture | undefined; at: number } | { timeline: Record<string, unknown> } | { clear: true; time: string; at: number };

/** A row built (masked, serialized) and not yet written. */
interface Built {
  kind: 'request' | 'timeline';
  value: Record<string, unknown>;
  data: string;
  /** A request row: when it was answered; a clear: when it was asked for (`Queued`'s `at`). */
  at?: number;
  /** A clear: the request rows written before it go (its `through` is set as it is numbered, see `WRITE_BATCH`). */
  clear?: true;
}

/** How long a write the database refused for now (a deadlock, a timeout) waits before it is tried again. */
const RETRY_MS = 1000;

interface RowRecord {
  id: string;
  kind: 'request' | 'timeline';
  data: Record<string, unknown>;
}

/**
 * One batch, one statement: numbers the rows from the workspace's head (whose row lock orders
 * concurrent writers, so ids follow commit order), inserts them, drops what is past the bound
 * (and, for a clear, every request row numbered before it, whichever instance wrote it: its
 * `through` is its own id less one, set here, where the numbering is known; `$6` holds the
 * clears' places in the batch) in the same statement that grew the table, adds
 * the coverage counts (a reset moves the head to a new generation of counts and drops the old
 * ones), and announces the write on the channel (delivered at commit).
 *
 * The two drops are two ranges of the primary key, never one OR: as one predicate, PostgreSQL
 * read the whole table (seq scan, ~1,300 pages kept churning at the default bound) to drop the
 * batch's worth of rows, the largest cost of a GET under load. `id > 0` makes each a two-sided
 * range, which the planner estimates as narrow (its bounds come from `head`, unknown when it
 * plans). A row both drops match is deleted once.
 *
 * A request answered before a clear, on any instance, is not inserted when its batch comes
 * after the clear (a batch waits up to `batchMs`, so it may): the head keeps the latest clear's
 * instant (`cleared_before_ms`, migration 9, the wall clock of the instance that cleared), and
 * the head's row lock, taken first, makes it the one every later batch compares with. Its number
 * stays unused. Instants of two hosts compare as well as their clocks agree; within one
 * millisecond, a request counts as answered after the clear.
 */
const WRITE_BATCH = `
WITH head AS (
  INSERT INTO console_heads AS h (workspace, last, cleared_before_ms) VALUES ($1, $2::bigint, $14::float8)
  ON CONFLICT (workspace) DO UPDATE SET last = h.last + $2::bigint, coverage_gen = h.coverage_gen + $12::integer,
    cleared_before_ms = greatest(h.cleared_before_ms, $14::float8)
  RETURNING h.last, h.coverage_gen, h.cleared_before_ms
), added AS (
  INSERT INTO console_rows (workspace, id, kind, data)
  SELECT $1, head.last - $2::bigint + r.n, r.kind,
         CASE WHEN r.n = ANY($6::bigint[]) THEN jsonb_set(r.data::jsonb, '{through}', to_jsonb(head.last - $2::bigint + r.n - 1))::json ELSE r.data::json END
  FROM head, unnest($3::text[], string_to_array($4::text, E'\\n'), $13::float8[]) WITH ORDINALITY AS r(kind, data, answered_at, n)
  WHERE r.answered_at IS NULL OR head.cleared_before_ms IS NULL OR r.answered_at >= head.cleared_before_ms
  RETURNING 1
), dropped AS (
  DELETE FROM console_rows
  WHERE workspace = $1 AND id > 0 AND id <= (SELECT last FROM head) - $5::bigint
), swept AS (
  DELETE FROM console_rows
  WHERE workspace = $1 AND kind = 'request' AND id > 0 AND id < (SELECT last FROM head) - $2::bigint + (SELECT max(p) FROM unnest($6::bigint[]) AS p)
), counted AS (
  INSERT INTO console_coverage AS c (workspace, gen, api, operation, status, n)
  SELECT $1, head.coverage_gen, u.api, u.operation, u.status, u.n FROM head, unnest($7::text[], $8::text[], $9::text[], $10::bigint[]) AS u(api, operation, status, n)
  ON CONFLICT (workspace, gen, api, operation, status) DO UPDATE SET n = c.n + EXCLUDED.n
), uncounted AS (
  DELETE FROM console_coverage WHERE workspace = $1 AND gen < (SELECT coverage_gen FROM head)
)
SELECT last, (SELECT count(*) FROM added) AS inserted, pg_notify($11, json_build_object('workspace', $1::text, 'last', last)::text) FROM head`;

/**
 * `SharedJournalLog` in PostgreSQL (migration 5): a workspace's journal rows, console timeline
 * and coverage counts, written behind and read back on the console's own connection
 * (`ConsoleChannel`), never the request pool.
 *
 * - Appending only queues (the request path pays nothing more). Every `batchMs` the queue is
 *   built (masked by `buildRow`: no secret reaches the table) and written in one statement,
 *   which numbers, bounds and announces (`WRITE_BATCH`).
 * - Every instance LISTENs; told of a write, it reads the rows after the last id it has and
 *   hands them, in order, to the journal and the console feed. A lost connection loses
 *   nothing: unwritten rows wait (bounded), and on reconnecting the log writes them and reads
 *   what it missed.
 */
export class PostgresConsoleRows implements SharedJournalLog {
  readonly epoch: string;
  readonly capacity: number;
  private readonly channel: ConsoleChannel;
  private readonly workspace: string;
  private readonly clock: SandboxClock;
  private readonly batchMs: number;
  /** Rows the table keeps per workspace. */
  private readonly bound: number;
  private queue: Queued[] = [];
  /** Built and not yet written (a failed write's rows wait here for the next). */
  private unsent: Built[] = [];
  private counts = new Map<string, CoverageCount>();
  private resetCounts = false;
  private scheduled = false;
  private writing: Promise<void> = Promise.resolve();
  /** The last id read back. */
  private lastSeen: number;
  /** The last id this instance wrote. */
  private lastWritten = 0;
  private kept: LoggedRow[] = [];
  private readonly listeners = new Set<(rows: readonly LoggedRow[]) => void>();
  private fetching: Promise<void> | undefined;
  private fetchAgain = false;
  /** The highest id a notification announced. */
  private heardUpTo = 0;
  /**
   * A write of this instance's is under way: its own notification may arrive before its
   * answer, and the rows it announces are handed on from the answer, not read back.
   */
  private statementRunning = false;
  private closed = false;
  private retrying = false;
  private readonly unlisten: () => void;

  private constructor(options: PostgresConsoleRowsOptions, head: { epoch: string; last: number }, rows: LoggedRow[]) {
    this.channel = options.channel;
    this.workspace = options.workspace;
    this.capacity = options.capacity;
    this.clock = options.clock;
    this.batchMs = options.batchMs ?? DEFAULT_BATCH_MS;
    this.bound = options.capacity + TIMELINE_ROOM;
    this.epoch = head.epoch;
    this.lastSeen = head.last;
    this.kept = rows;
    this.unlisten = this.channel.listen(this.workspace, {
      // Its own writes are announced to it too: read only when the write is news here.
      notified: (last) => {
        this.heardUpTo = Math.max(this.heardUpTo, last);
        if (!this.statementRunning && last > this.lastSeen) void this.fetch().catch(() => undefined);
      },
      reconnected: () => {
        void this.fetch().catch(() => undefined);
        if (this.unsent.length > 0 || this.queue.length > 0 || this.counts.size > 0 || this.resetCounts) void this.write().catch(() => undefined);
      },
    });
  }

  /** Joins the workspace's log: its head (made if no instance has) and the rows it keeps. */
  static async open(options: PostgresConsoleRowsOptions): Promise<PostgresConsoleRows> {
    const [head] = await options.channel.query<{ epoch: string; last: string }>(
      'INSERT INTO console_heads AS h (workspace) VALUES ($1) ON CONFLICT (workspace) DO UPDATE SET workspace = h.workspace RETURNING epoch, last',
      [options.workspace],
    );
    const last = Number(head?.last ?? 0);
    const rows = await options.channel.query<RowRecord>('SELECT id, kind, data FROM console_rows WHERE workspace = $1 AND id <= $2 ORDER BY id DESC LIMIT $3', [
      options.workspace,
      last,
      options.capacity + TIMELINE_ROOM,
    ]);
    return new PostgresConsoleRows(options, { epoch: head?.epoch ?? 'pg', last }, rows.reverse().map(loggedRow));
  }

  appendRequest(entry: JournalEntry, state: unknown): void {
    this.enqueue({ request: entry, state, capture: captureOf(state), at: Date.now() });
  }

  appendTimeline(event: { kind: string; time: string; [field: string]: unknown }): void {
    this.enqueue({ timeline: event });
  }

  count(api: string, operationId: string, status: string): void {
    const key = `${api} ${operationId} ${status}`;
    const count = this.counts.get(key);
    if (count) count.n += 1;
    else this.counts.set(key, { api, operationId, status, n: 1 });
    this.schedule();
  }

  clear(): void {
    // What this instance has not written yet came before the clear: it never lands.
    this.queue = this.queue.filter((queued) => !('request' in queued));
    this.unsent = this.unsent.filter((built) => built.kind !== 'request');
    this.enqueue({ clear: true, time: this.clock.now().toISOString(), at: Date.now() });
    this.writeSoon();
  }

  resetCoverage(): void {
    this.counts.clear();
    this.resetCounts = true;
    this.writeSoon();
  }

  /** A clear or reset is written at once, not at the next batch: what is served after it must not be swept with it. */
  private writeSoon(): void {
    trackClear(this.write());
  }

  async sync(): Promise<void> {
    await this.write();
    await this.fetch();
  }

  async coverage(): Promise<CoverageCount[]> {
    const rows = await this.channel.query<{ api: string; operation: string; status: string; n: string }>(
      'SELECT c.api, c.operation, c.status, c.n FROM console_coverage c JOIN console_heads h ON h.workspace = c.workspace AND h.coverage_gen = c.gen WHERE c.workspace = $1',
      [this.workspace],
    );
    return rows.map((row) => ({ api: row.api, operationId: row.operation, status: row.status, n: Number(row.n) }));
  }

  rows(): readonly LoggedRow[] {
    return this.kept;
  }

  subscribe(listener: (rows: readonly LoggedRow[]) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.write().catch(() => undefined); // the last batch lands, when the database answers
    this.unlisten();
  }

  private enqueue(queued: Queued): void {
    this.queue.push(queued);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    setTimeout(() => {
      this.scheduled = false;
      void this.write().catch(() => undefined); // a failed write waits for the reconnect
    }, this.batchMs).unref();
  }

  /** Writes what is queued, after any write under way (rejects when this one failed). */
  private write(): Promise<void> {
    const run = this.writing.catch(() => undefined).then(() => this.writeNow());
    this.writing = run;
    return run;
  }

  private async writeNow(): Promise<void> {
    for (const queued of this.queue) this.unsent.push(this.build(queued));
    this.queue = [];
    if (this.unsent.length === 0 && this.counts.size === 0 && !this.resetCounts) return;
    // More than the table keeps would be dropped by this very write: they are not sent at all.
    const rows = this.unsent.slice(-this.bound);
    const counts = [...this.counts.values()];
    const resetCounts = this.resetCounts;
    this.unsent = [];
    this.counts = new Map();
    this.resetCounts = false;
    const clears = rows.flatMap((row, i) => (row.clear ? [i + 1] : []));
    const clearedAt = rows.flatMap((row) => (row.clear && row.at !== undefined ? [row.at] : []));
    const clearedBefore = clearedAt.length > 0 ? Math.max(...clearedAt) : null;
    const values = [
      this.workspace,
      rows.length,
      rows.map((row) => row.kind),
      // One text, a row a line (JSON.stringify writes no raw newline): PostgreSQL parsed the
      // same rows as a text[] literal, every quote of the JSON escaped, at ~4 ms a batch.
      rows.map((row) => row.data).join('\n'),
      this.bound,
      clears,
      counts.map((c) => c.api),
      counts.map((c) => c.operationId),
      counts.map((c) => c.status),
      counts.map((c) => c.n),
      this.channel.name,
      resetCounts ? 1 : 0,
      rows.map((row) => (row.kind === 'request' ? (row.at ?? null) : null)),
      clearedBefore,
    ];
    this.statementRunning = true;
    try {
      // One statement, never a transaction: the connection is every workspace's, and another's
      // statement queued meanwhile would run inside it.
      const written = await this.channel.query<{ last: string; inserted: string }>(WRITE_BATCH, values);
      const last = Number(written[0]?.last ?? 0);
      this.lastWritten = Math.max(this.lastWritten, last);
      // Rows answered before a clear were left out (their numbers stay unused): read back what is there.
      if (Number(written[0]?.inserted ?? rows.length) < rows.length) void this.fetch().catch(() => undefined);
      else if (rows.length > 0) this.adoptWritten(rows, last);
    } catch (error) {
      if (isUnavailable(error)) {
        this.putBack(rows, counts, resetCounts); // written once the connection is back…
        if (this.channel.connected) this.retrySoon(); // …or, a deadlock or timeout with the connection up, a moment later
      }
      throw error;
    } finally {
      this.statementRunning = false;
      if (this.heardUpTo > this.lastSeen) void this.fetch().catch(() => undefined); // another instance's, heard meanwhile
    }
  }

  /** Tries the write again in a second (the database answered, but could not take it now). */
  private retrySoon(): void {
    if (this.retrying || this.closed) return;
    this.retrying = true;
    setTimeout(() => {
      this.retrying = false;
      void this.write().catch(() => undefined);
    }, RETRY_MS).unref();
  }

  /** A failed batch goes back in front of what came since, within the bound. */
  private putBack(rows: Built[], counts: CoverageCount[], resetCounts: boolean): void {
    this.unsent = [...rows, ...this.unsent].slice(-this.bound);
    for (const count of counts) {
      const key = `${count.api} ${count.operationId} ${count.status}`;
      const now = this.counts.get(key);
      if (now) now.n += count.n;
      else if (!this.resetCounts) this.counts.set(key, { ...count });
    }
    this.resetCounts ||= resetCounts;
  }

  private build(queued: Queued): Built {
    if ('request' in queued) {
      // Masked here, before the row is stored; its local number means nothing to the others (the log's id replaces it).
      // Set on the fresh row, not `{ ...row, seq: undefined }`: a spread replacing a copied key takes V8's slow path.
      const row: Omit<RequestRow, 'seq'> & { seq: number | undefined } = buildRow(queued.request, queued.state as RequestState | undefined, queued.capture);
      row.seq = undefined; // left out of the JSON
      return { kind: 'request', value: row, data: JSON.stringify(row), at: queued.at };
    }
    if ('timeline' in queued) return { kind: 'timeline', value: queued.timeline, data: JSON.stringify(queued.timeline) };
    // Every request row numbered before it goes, another instance's not yet read here too (a
    // `through` from what this instance had read would keep those).
    const cleared = { kind: 'cleared', time: queued.time };
    return { kind: 'timeline', value: cleared, data: JSON.stringify(cleared), clear: true, at: queued.at };
  }

  /**
   * This instance's rows just written, numbered up to `last`: when nothing else came between
   * them and the last row read here, they are handed on as built (no read back); otherwise
   * they are read with the others', in order.
   */
  private adoptWritten(rows: Built[], last: number): void {
    if (this.fetching || this.lastSeen !== last - rows.length) {
      void this.fetch().catch(() => undefined);
      return;
    }
    this.adopt(
      rows.map((row, i) => {
        const id = last - rows.length + 1 + i;
        return { id, kind: row.kind, value: row.clear ? { ...row.value, through: id - 1 } : row.value }; // as WRITE_BATCH stored it
      }),
    );
  }

  /** Reads the rows after the last one read; a call while one runs makes it run once more. */
  private fetch(): Promise<void> {
    if (this.fetching) {
      this.fetchAgain = true;
      return this.fetching;
    }
    const run = (async () => {
      try {
        do {
          this.fetchAgain = false;
          await this.fetchOnce();
        } while (this.fetchAgain);
      } finally {
        this.fetching = undefined;
      }
    })();
    this.fetching = run;
    return run;
  }

  private async fetchOnce(): Promise<void> {
    const records = await this.channel.query<RowRecord>('SELECT id, kind, data FROM console_rows WHERE workspace = $1 AND id > $2 ORDER BY id', [this.workspace, this.lastSeen]);
    if (records.length > 0) this.adopt(records.map(loggedRow));
  }

  /** Rows read (or written) here, after the last one: kept, and told to every listener. */
  private adopt(all: LoggedRow[]): void {
    const rows = all.slice(-this.bound);
    this.lastSeen = (all[all.length - 1] as LoggedRow).id;
    let kept = [...this.kept, ...rows];
    for (const row of rows) {
      const through = row.kind === 'timeline' && row.value.kind === 'cleared' ? row.value.through : undefined;
      if (typeof through === 'number') kept = kept.filter((k) => k.kind !== 'request' || k.id > through); // as the table: cleared rows are gone
    }
    this.kept = kept.slice(-this.bound);
    for (const listener of this.listeners) listener(rows);
  }
}

function loggedRow(record: RowRecord): LoggedRow {
  return { id: Number(record.id), kind: record.kind, value: record.data };
}
