import type { Pool, QueryResultRow } from 'pg';
import type { SandboxClock, SharedClockState } from '../../core/clock.js';
import { inTransaction, prepared, toStoreError } from './pool.js';
import { compilePathPattern, type PathPattern } from '../../control-plane/path-pattern.js';
import { faultMatches, MAX_FAULTS, prepareFault, publicFault, tooManyFaults, type Fault, type FaultBook, type FaultSpec } from '../../control-plane/faults.js';
import type { SharedSandboxState } from '../../control-plane/shared-state.js';
import type { ReadAheadFound, ReadAheadPlan } from '../../core/store/read-ahead.js';
import type { StateListener } from './console-channel.js';
import { claimCall, claimOutcome, pageColumns, pageOf, recordsColumn, type ClaimRow, type PageColumns } from './record-store.js';

/** Lock classes (pg_advisory_*lock(class, hashtext(schema/workspace))). */
const FAULT_LOCK = 0x46534631; // 'FSF1': arming, so MAX_FAULTS holds across instances
const ADVANCE_LOCK = 0x46534131; // 'FSA1': one auto-advance run at a time

interface ClockRow extends SharedClockState {
  /** Grows by one on every reset: another instance seeing it change clears its journal and coverage. */
  epoch: number;
}

interface FaultRow {
  id: string;
  remaining: number;
  value: Fault;
}

export interface PostgresSharedStateOptions {
  pool: Pool;
  workspace: string;
  clock: SandboxClock;
  /** Paths the mocked APIs serve (a fault elsewhere is refused, as in memory). */
  mountPaths: readonly string[];
  /** Where changes of the shared state are announced (the console's connection); without one, every request reads the state. */
  channel?: { readonly connected: boolean; listenState(workspace: string, listener: StateListener): () => void };
}

/**
 * `SharedSandboxState` in PostgreSQL (migration 1's `sandbox_state` and `faults` tables):
 *
 * - The clock is one row `(workspace, 'clock')` holding `{offsetMs, frozenAtMs, epoch}`. The
 *   first instance to open the workspace writes its freeze (`--frozen-clock`), later ones adopt
 *   it. `clock.advance()` stays synchronous: the move is applied here at once and sent as an
 *   atomic increment (`offsetMs + delta`), so concurrent advances on two instances add up;
 *   `refresh()` waits for this instance's increments before reading, so its own moves are never
 *   read back stale.
 * - Faults are rows with a `remaining` count; a request matches against this instance's copy
 *   (read by `refresh()`), then takes a use with `UPDATE ... SET remaining = remaining - 1
 *   WHERE remaining > 0 RETURNING`: a row lock decides between instances, so a one-shot fault
 *   fires exactly once. Used-up rows stay (invisible) until the next arming or clear.
 * - `exclusive` holds a session advisory lock on one connection while auto-advance runs.
 * - Every change of the clock row or the faults bumps the row's `version` and is announced on
 *   the channel (migration 7). While none has been announced since the last read, this copy is
 *   current as far as this instance knows (`cachedVersion`), and a request with nothing else to
 *   read runs on it, its commit guarded by the version (`AssumedSharedState`).
 */
export class PostgresSharedState implements SharedSandboxState {
  readonly workspace: string;
  readonly faults: FaultBook;
  instance = 0;
  private readonly pool: Pool;
  private readonly clock: SandboxClock;
  private readonly mountPaths: readonly string[];
  onReset: (() => void) | undefined;
  /**
   * Runs when a refresh finds no clock row: another instance removed the workspace (its store
   * then forgets the fixed records it kept, so a credential of the removed workspace is refused).
   */
  onGone: (() => void) | undefined;
  /** The reset epoch last seen; undefined until the first read. */
  private epoch: number | undefined;
  /** This instance's clock increments, in order; `refresh()` waits for them. */
  private writes: Promise<void> = Promise.resolve();
  private writeError: { error: unknown } | undefined;
  /** Bumped by every local advance: a read that raced one is not adopted. */
  private localMoves = 0;
  /** `localMoves` when the copy was last read: a move since then is not in it. */
  private adoptedMoves = 0;
  private armed: (Fault & { pattern: PathPattern })[] = [];
  private readonly unsubscribe: () => void;
  /** The version of the state last read; undefined when no copy may be used (see `cachedVersion`). */
  private version: number | undefined;
  /** The highest version the channel announced. */
  private announcedVersion = 0;
  /** Bumped whenever the channel may have missed an announcement: a read that raced one is not kept as current. */
  private misses = 0;
  private readonly channel: PostgresSharedStateOptions['channel'];
  private readonly unlisten: () => void;

  private constructor(options: PostgresSharedStateOptions) {
    this.pool = options.pool;
    this.workspace = options.workspace;
    this.clock = options.clock;
    this.mountPaths = options.mountPaths;
    this.faults = this.faultBook();
    this.unsubscribe = this.clock.onAdvance((_now, seconds) => this.sendAdvance(seconds * 1000));
    this.channel = options.channel;
    this.unlisten = this.channel?.listenState(this.workspace, { changed: (version) => this.announced(version), missed: () => this.missed() }) ?? (() => {});
  }

  /**
   * The version of the shared state this instance holds, while that copy is current as far as
   * it can know: the channel has stayed connected and announced no later version since it was
   * read, no clock move of this instance's is on its way, and no fault is armed (a fault that
   * fires is taken with a statement of its own; such a request reads the state first). Undefined:
   * the request reads the state (`refresh`).
   */
  cachedVersion(): number | undefined {
    const version = this.version;
    if (version === undefined || version < this.announcedVersion || !this.channel?.connected || this.armed.length > 0) return undefined;
    return this.localMoves === this.adoptedMoves ? version : undefined;
  }

  /** Whether the state is still at `version` (one statement): a request that ran on the copy answers without a commit only then. */
  async stillAt(version: number): Promise<boolean> {
    const { rows } = await this.query<{ version: number }>(`SELECT version::float8 AS version FROM sandbox_state WHERE workspace = $1 AND key = 'clock'`, [this.workspace]);
    return rows[0]?.version === version;
  }

  /** The channel announced a change (migration 7's trigger): the copy is stale from `version` on. */
  announced(version: number): void {
    if (version > this.announcedVersion) this.announcedVersion = version;
  }

  /** The channel's connection was lost or is back: announcements may have been missed. */
  missed(): void {
    this.misses++;
    this.version = undefined;
  }

  /**
   * Joins the workspace's shared state: writes the clock row if no instance has (this clock's
   * freeze is the workspace's from then on), takes an instance number, and adopts the state.
   */
  static async open(options: PostgresSharedStateOptions): Promise<PostgresSharedState> {
    const shared = new PostgresSharedState(options);
    try {
      const { frozenAtMs } = options.clock.state;
      const { rows } = await shared.query<{ instance: number }>(
        `WITH clock AS (
           INSERT INTO sandbox_state (workspace, key, value)
           VALUES ($1, 'clock', json_build_object('offsetMs', 0, 'frozenAtMs', $2::float8, 'epoch', 0))
           ON CONFLICT (workspace, key) DO NOTHING
         )
         INSERT INTO sandbox_state AS s (workspace, key, value) VALUES ($1, 'instances', '1')
         ON CONFLICT (workspace, key) DO UPDATE SET value = to_json((s.value::text)::int + 1)
         RETURNING (value::text)::int AS instance`,
        [options.workspace, frozenAtMs],
      );
      shared.instance = rows[0]?.instance ?? 1;
      await shared.refresh();
      return shared;
    } catch (error) {
      shared.unsubscribe();
      throw error;
    }
  }

  /**
   * One statement: the clock row, the live faults, the records asked for, the page asked for
   * and the idempotency claim asked for (the request's read-ahead), each a scalar subquery, so
   * a read costs one round trip whatever it needs, and a keyed create's claim rides along.
   */
  async refresh(plan: ReadAheadPlan = {}): Promise<ReadAheadFound> {
    await this.flush();
    const moves = this.localMoves;
    const values: unknown[] = [this.workspace];
    const records = plan.records && plan.records.length > 0 ? recordsColumn(values, plan.records) : 'NULL';
    const page = plan.page ? `, ${pageColumns(values, plan.page.collection, plan.page.owner, plan.page.query)}` : '';
    const claim = plan.claim ? `, (SELECT row_to_json(c) FROM ${claimCall(values, plan.claim.collection, plan.claim.id, plan.claim.claim, this.sharedNowMs(values))} c) AS claim` : '';
    const misses = this.misses;
    const { rows } = await this.query<{ clock: ClockRow | null; version: number | null; faults: FaultRow[]; records: unknown[] | null; claim?: ClaimRow | null } & Partial<PageColumns<unknown>>>(
      `SELECT (SELECT value FROM sandbox_state WHERE workspace = $1 AND key = 'clock') AS clock,
              (SELECT version::float8 FROM sandbox_state WHERE workspace = $1 AND key = 'clock') AS version,
              (SELECT coalesce(json_agg(json_build_object('id', id, 'remaining', remaining, 'value', value) ORDER BY seq), '[]'::json)
                 FROM faults WHERE workspace = $1 AND remaining > 0) AS faults,
              ${records} AS records${page}${claim}`,
      values,
    );
    const row = rows[0];
    if (row?.clock) this.adoptClock(row.clock, moves);
    else this.onGone?.();
    this.adoptFaults(row?.faults ?? []);
    // Kept as current only if it is all this instance knows: no move of its own raced the read,
    // and the channel missed nothing meanwhile (an announcement after it makes it stale again).
    const current = row?.clock && row.version !== null && moves === this.localMoves && misses === this.misses;
    this.version = current ? Number(row.version) : undefined;
    if (current) this.adoptedMoves = moves;
    const found: ReadAheadFound = { records: (row?.records ?? []).map((record) => record ?? undefined) };
    if (plan.page) found.page = pageOf(row as PageColumns<unknown> | undefined, plan.page.query);
    if (plan.claim) found.claim = row?.claim ? claimOutcome(row.claim) : undefined;
    return found;
  }

  /**
   * The sandbox clock's now as SQL over the clock row, as `SandboxClock.nowMs` reads it (the
   * frozen instant or this machine's wall clock, plus the offset): what the clock will say once
   * the statement's own clock read is adopted.
   */
  private sharedNowMs(values: unknown[]): string {
    const wall = `$${values.push(Date.now())}::float8`;
    return `(SELECT coalesce((value->>'frozenAtMs')::float8, ${wall}) + (value->>'offsetMs')::float8 FROM sandbox_state WHERE workspace = $1 AND key = 'clock')`;
  }

  async flush(): Promise<void> {
    await this.writes;
    const failure = this.writeError;
    this.writeError = undefined;
    if (failure) throw failure.error;
  }

  async reset(): Promise<void> {
    await this.flush().catch(() => undefined); // a lost move does not matter: the offset goes to zero
    this.version = undefined; // changed here: read again
    const clock = await inTransaction(this.pool, async (client) => {
      await client.query('DELETE FROM faults WHERE workspace = $1', [this.workspace]);
      const { rows } = await client.query<{ value: ClockRow }>(
        `UPDATE sandbox_state SET value = json_build_object('offsetMs', 0, 'frozenAtMs', value->'frozenAtMs', 'epoch', (value->>'epoch')::bigint + 1)
         WHERE workspace = $1 AND key = 'clock' RETURNING value`,
        [this.workspace],
      );
      return rows[0]?.value;
    });
    this.armed = [];
    if (clock) {
      this.epoch = Number(clock.epoch); // this instance resets its own journal; only the others need telling
      this.clock.adopt(clock);
    }
  }

  async exclusive(work: () => Promise<void>, wait: boolean): Promise<void> {
    let client;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw toStoreError(error);
    }
    const key = [ADVANCE_LOCK, this.workspace];
    const lockKey = `$1, hashtext(current_schema() || '/' || $2)`;
    let held = false;
    let broken: Error | undefined;
    try {
      if (wait) {
        await client.query(`SELECT pg_advisory_lock(${lockKey})`, key);
        held = true;
      } else {
        const { rows } = await client.query<{ held: boolean }>(`SELECT pg_try_advisory_lock(${lockKey}) AS held`, key);
        held = rows[0]?.held === true;
      }
      if (held) await work();
    } catch (error) {
      broken = error instanceof Error ? error : new Error(String(error)); // the session's lock goes with it
      throw toStoreError(error);
    } finally {
      if (held && !broken) await client.query(`SELECT pg_advisory_unlock(${lockKey})`, key).catch((error: Error) => (broken = error));
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    this.unsubscribe();
    this.unlisten();
    this.version = undefined;
    await this.writes;
  }

  /** A local `clock.advance()`: already applied here; the increment goes to the database in order. */
  private sendAdvance(deltaMs: number): void {
    const moves = ++this.localMoves;
    this.writes = this.writes.then(async () => {
      try {
        const { rows } = await this.query<{ value: ClockRow }>(
          `UPDATE sandbox_state SET value = json_build_object('offsetMs', (value->>'offsetMs')::float8 + $2::float8, 'frozenAtMs', value->'frozenAtMs', 'epoch', value->'epoch')
           WHERE workspace = $1 AND key = 'clock' RETURNING value`,
          [this.workspace, deltaMs],
        );
        if (rows[0]) this.adoptClock(rows[0].value, moves);
      } catch (error) {
        this.writeError ??= { error };
      }
    });
  }

  /**
   * Adopts a clock row read when this instance had made `moves` local advances, unless it has
   * made another since (that one's own write will bring the newer value).
   */
  private adoptClock(row: ClockRow, moves: number): void {
    if (this.localMoves === moves) this.clock.adopt(row);
    const epoch = Number(row.epoch);
    if (this.epoch !== undefined && epoch !== this.epoch) this.onReset?.();
    this.epoch = epoch;
  }

  private adoptFaults(rows: FaultRow[]): void {
    const known = new Map(this.armed.map((fault) => [fault.id, fault.pattern]));
    this.armed = rows.map((row) => ({ ...row.value, id: row.id, remaining: row.remaining, pattern: known.get(row.id) ?? compilePathPattern(row.value.path) }));
  }

  private faultBook(): FaultBook {
    const count = (): number => this.armed.length;
    return {
      add: async (spec: FaultSpec): Promise<Fault> => {
        const prepared = prepareFault(spec, this.mountPaths);
        const fault = publicFault({ id: '', ...prepared });
        const id = await inTransaction(this.pool, async (client) => {
          await client.query(`SELECT pg_advisory_xact_lock($1, hashtext(current_schema() || '/' || $2))`, [FAULT_LOCK, this.workspace]);
          await client.query('DELETE FROM faults WHERE workspace = $1 AND remaining <= 0', [this.workspace]);
          const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM faults WHERE workspace = $1', [this.workspace]);
          if (Number(rows[0]?.n ?? 0) >= MAX_FAULTS) tooManyFaults();
          const inserted = await client.query<{ id: string }>(
            `INSERT INTO faults (workspace, id, seq, remaining, value) OVERRIDING SYSTEM VALUE
             SELECT $1, 'flt_' || n, n, $2, $3::json FROM (SELECT nextval(pg_get_serial_sequence('faults', 'seq')) AS n) s
             RETURNING id`,
            [this.workspace, fault.count, JSON.stringify(fault)],
          );
          return inserted.rows[0]?.id ?? '';
        });
        this.version = undefined;
        const armed = { ...fault, id };
        this.armed.push({ ...armed, pattern: prepared.pattern });
        return armed;
      },
      list: async (): Promise<Fault[]> => {
        await this.refresh();
        return this.armed.map(publicFault);
      },
      delete: async (id: string): Promise<boolean> => {
        const { rows } = await this.query<{ live: boolean }>('DELETE FROM faults WHERE workspace = $1 AND id = $2 RETURNING remaining > 0 AS live', [this.workspace, id]);
        this.armed = this.armed.filter((fault) => fault.id !== id);
        this.version = undefined;
        return rows[0]?.live === true;
      },
      clear: async (): Promise<void> => {
        await this.query('DELETE FROM faults WHERE workspace = $1', [this.workspace]);
        this.armed = [];
        this.version = undefined;
      },
      take: async (method: string, path: string): Promise<Fault | undefined> => {
        for (const fault of this.armed.filter((armed) => faultMatches(armed, method, path))) {
          const { rows } = await this.query<{ remaining: number }>(
            'UPDATE faults SET remaining = remaining - 1 WHERE workspace = $1 AND id = $2 AND remaining > 0 RETURNING remaining',
            [this.workspace, fault.id],
          );
          const remaining = rows[0]?.remaining;
          if (remaining === undefined || remaining <= 0) this.armed = this.armed.filter((armed) => armed.id !== fault.id);
          else fault.remaining = remaining;
          if (remaining !== undefined) return publicFault({ ...fault, remaining });
        }
        return undefined;
      },
      get size() {
        return count();
      },
    };
  }

  private async query<R extends QueryResultRow>(text: string, values: unknown[]): Promise<{ rows: R[] }> {
    try {
      return await this.pool.query<R>(prepared(text, values));
    } catch (error) {
      throw toStoreError(error);
    }
  }

  /**
   * The reading stays where it is, in one update of the clock row (so an advance from another
   * instance is never lost): freezing pins the base at this wall-clock instant (the offset
   * stays); unfreezing folds the frozen base into the offset. Already so: unchanged.
   */
  async setFrozen(frozen: boolean): Promise<void> {
    await this.flush();
    const moves = this.localMoves;
    const { rows } = await this.query<{ value: ClockRow }>(
      `UPDATE sandbox_state SET value = CASE
         WHEN $2::boolean AND (value->>'frozenAtMs') IS NULL THEN json_build_object('offsetMs', (value->>'offsetMs')::float8, 'frozenAtMs', $3::float8, 'epoch', value->'epoch')
         WHEN NOT $2::boolean AND (value->>'frozenAtMs') IS NOT NULL THEN json_build_object('offsetMs', (value->>'frozenAtMs')::float8 + (value->>'offsetMs')::float8 - $3::float8, 'frozenAtMs', NULL, 'epoch', value->'epoch')
         ELSE value END
       WHERE workspace = $1 AND key = 'clock' RETURNING value`,
      [this.workspace, frozen, Date.now()],
    );
    this.version = undefined;
    if (rows[0]) this.adoptClock(rows[0].value, moves);
  }
}
