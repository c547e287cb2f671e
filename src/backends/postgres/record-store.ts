import type { Pool, PoolClient, QueryResultRow } from 'pg';
import { ClaimLostError } from '../../core/store/errors.js';
import {
  Transaction,
  type CollectionSchemas,
  type KeyClaim,
  type KeyClaimResult,
  type KeyRecord,
  type PageQuery,
  type RecordPage,
  type RecordRef,
  type RecordStore,
} from '../../core/store/record-store.js';
import type { Collections, StoreOp } from '../../core/store/types.js';
import { CLAIM_LOST, commitCall, REFUSED, STATE_MOVED, type Put } from './commit-call.js';
import { StaleSharedStateError } from '../../core/store/assumed-state.js';
import { currentScope } from '../../workspaces/current.js';
import { inTransaction, prepared, toStoreError } from './pool.js';

export interface PostgresRecordStoreOptions<D extends Collections> {
  pool: Pool;
  /** Every row this store reads or writes is this workspace's ('default' for the default one). */
  workspace: string;
  schemas: CollectionSchemas<D>;
  /** The workspace's starting state: seeded once (`seed`), restored by `reset`. */
  fixtures: () => D;
  /** Whether `close` ends the pool (openPostgres: yes; a pool passed in stays the caller's). */
  ownsPool?: boolean;
  /**
   * Reference collections only the fixtures write (`ApiModule.fixedCollections`): what is read
   * of them is kept (`FIXED_CACHE_SIZE` entries, absences too), so a credential or an account
   * costs one round trip per instance, not one per request.
   */
  fixed?: readonly string[];
}

/**
 * Reads of fixed collections kept per store. The fixtures hold a few dozen; the bound is for
 * absences, which a client sending made-up ids could otherwise grow without end.
 */
const FIXED_CACHE_SIZE = 1024;

/** Lock class of the per-workspace lock that seeding and reset take (pg_advisory_xact_lock). */
const WORKSPACE_LOCK = 0x46535731; // 'FSW1'
/** How often claimKey looks again when the claim it collided with changed under it. */
const CLAIM_ATTEMPTS = 10;

/**
 * `RecordStore` on PostgreSQL (see migration 1 for the tables): every instance behind one URL
 * shares the state, every statement is scoped to the store's workspace, and a connection
 * problem surfaces as `StoreUnavailableError` within seconds (see `createPool`).
 *
 * - `page` is a keyset on `seq` over the (owner, workspace, collection, seq) index: O(offset + limit).
 * - `count` reads per-owner counters that statement triggers keep in the writing transaction:
 *   O(1) for an owner, O(owners) for a whole collection. (`count(*)` would read every index
 *   entry of the owner, O(records), on every list page.)
 * - `commit` is one SQL transaction in one round trip (`commitCall`, migration 10's function):
 *   the guard, the locks, the completed claims, the deletes, then all puts in one
 *   `INSERT ... SELECT unnest(...)` (a put over an existing record keeps its `seq`), then the bounds.
 * - `claimKey` is one call of `sandbox_claim_key` (migration 6) that either finds a live stored
 *   answer, or inserts the claim row / takes over a lapsed one (`ON CONFLICT ... DO UPDATE ...
 *   WHERE lease_until <= now`), or reports the holder; lease times are the database's clock,
 *   shared by every instance.
 */
export class PostgresRecordStore<D extends Collections> implements RecordStore<D> {
  readonly pool: Pool;
  readonly workspace: string;
  private readonly schemas: CollectionSchemas<D>;
  private readonly fixtures: () => D;
  private readonly ownsPool: boolean;
  private readonly fixed: ReadonlySet<string>;
  /** `collection\0id` → the record, or null for none (see `fixed`). Oldest read forgotten first. */
  private readonly fixedReads = new Map<string, unknown>();

  constructor(options: PostgresRecordStoreOptions<D>) {
    this.pool = options.pool;
    this.ownsPool = options.ownsPool ?? false;
    this.fixed = new Set(options.fixed ?? []);
    this.workspace = options.workspace;
    this.schemas = options.schemas;
    this.fixtures = options.fixtures;
  }

  async get<C extends keyof D & string>(collection: C, id: string): Promise<D[C][string] | undefined> {
    return (await this.getMany([{ collection, id }]))[0];
  }

  /** The records in one statement (`recordsColumn`: `unnest` joined to the primary key); kept reads of fixed collections cost none. */
  async getMany<C extends keyof D & string>(refs: readonly RecordRef<C>[]): Promise<(D[C][string] | undefined)[]> {
    const found: (D[C][string] | undefined)[] = new Array(refs.length).fill(undefined);
    const missing: number[] = [];
    refs.forEach((ref, n) => {
      const kept = this.fixed.has(ref.collection) ? this.fixedReads.get(fixedKey(ref)) : undefined;
      if (kept === undefined) missing.push(n);
      else found[n] = (kept ?? undefined) as D[C][string] | undefined;
    });
    if (missing.length === 0) return found;
    const asked = missing.map((n) => refs[n] as RecordRef<C>);
    const values: unknown[] = [this.workspace];
    const { rows } = await this.query<{ records: (D[C][string] | null)[] | null }>(`SELECT ${recordsColumn(values, asked)} AS records`, values);
    (rows[0]?.records ?? []).forEach((record, i) => (found[missing[i] as number] = record ?? undefined));
    for (const n of missing) {
      const ref = refs[n] as RecordRef<C>;
      if (this.fixed.has(ref.collection)) this.keepFixed(ref, found[n]);
    }
    return found;
  }

  async page<C extends keyof D & string>(collection: C, owner: string, query: PageQuery): Promise<RecordPage<D[C][string]> | undefined> {
    this.ownerOf(collection); // an unowned collection has no pages
    // One round trip: the page, the cursor's place and the owner's count as one row.
    const values: unknown[] = [this.workspace];
    const { rows } = await this.query<PageColumns<D[C][string]>>(`SELECT ${pageColumns(values, collection, owner, query)}`, values);
    return pageOf(rows[0], query);
  }

  async count<C extends keyof D & string>(collection: C, owner?: string): Promise<number> {
    const { rows } =
      owner === undefined
        ? await this.query<{ n: string }>('SELECT coalesce(sum(n), 0) AS n FROM record_counts WHERE workspace = $1 AND collection = $2', [
            this.workspace,
            collection,
          ])
        : await this.query<{ n: string }>('SELECT n FROM record_counts WHERE workspace = $1 AND collection = $2 AND owner = $3', [
            this.workspace,
            collection,
            owner,
          ]);
    return Number(rows[0]?.n ?? 0);
  }

  async scan<C extends keyof D & string>(collection: C, owner?: string): Promise<D[C][string][]> {
    const { rows } =
      owner === undefined
        ? await this.query<{ value: D[C][string] }>('SELECT value FROM records WHERE workspace = $1 AND collection = $2 ORDER BY seq', [
            this.workspace,
            collection,
          ])
        : await this.query<{ value: D[C][string] }>(
            'SELECT value FROM records WHERE workspace = $1 AND collection = $2 AND owner = $3 ORDER BY seq',
            [this.workspace, collection, owner],
          );
    return rows.map((row) => row.value);
  }

  /**
   * One round trip: the whole transaction is one call of `sandbox_commit` (`commitCall`), one
   * statement, so one transaction. A cap it breaks or a claim it lost rolls it all
   * back and comes back as `sandbox_check`'s reason, turned here into the bound's refusal or a
   * `ClaimLostError`. A deadlock or serialization failure is retried, as `inTransaction` does.
   */
  async commit<T>(build: (tx: Transaction<D>) => T): Promise<T> {
    const tx = new Transaction<D>();
    const result = build(tx);
    if (tx.ops.length === 0 && tx.completedClaims.length === 0 && tx.bounds.length === 0) return result;
    const fixed = tx.ops.find((op) => this.fixed.has(op.collection));
    if (fixed) throw new Error(`'${fixed.collection}' is fixed: only the fixtures write it (ApiModule.fixedCollections)`);
    // A request running on this instance's copy of the shared state, not yet confirmed: the commit checks it first.
    const assumed = currentScope()?.assumed;
    const sharedVersion = assumed && !assumed.confirmed ? assumed.version : undefined;
    const call = commitCall({ workspace: this.workspace, ...this.fold(tx.ops), bounds: tx.bounds, claims: tx.completedClaims, ...(sharedVersion !== undefined && { sharedVersion }) });
    for (let attempt = 1; ; attempt++) {
      try {
        await this.pool.query(call);
        if (assumed) assumed.confirmed = true;
        return result;
      } catch (error) {
        const { code, message } = error as { code?: unknown; message?: unknown };
        if (code === 'P0001' && typeof message === 'string') {
          if (message === STATE_MOVED && sharedVersion !== undefined) throw new StaleSharedStateError(sharedVersion);
          // Any other refusal came after the guard passed: the copy was current, the answer stands.
          if (assumed) assumed.confirmed = true;
          if (message.startsWith(REFUSED)) {
            const bound = tx.bounds[Number(message.slice(REFUSED.length))];
            if (bound?.kind === 'refuse') throw bound.refusal();
          }
          const lost = tx.completedClaims[0];
          if (message === CLAIM_LOST && lost) throw new ClaimLostError(lost.collection, lost.id);
        }
        if (attempt < 3 && (code === '40P01' || code === '40001')) continue;
        throw toStoreError(error);
      }
    }
  }

  async claimKey(collection: keyof D & string, id: string, claim: KeyClaim): Promise<KeyClaimResult> {
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
      // One round trip: migration 6's function looks, claims, and looks again in a new snapshot.
      // The records the request reads next come in the same statement (read at its start, as a
      // read of their own just before the claim would be).
      const also = claim.alsoRead ?? [];
      const values: unknown[] = [this.workspace];
      const call = claimCall(values, collection, id, claim, `$${values.push(claim.nowMs)}`);
      const records = also.length === 0 ? 'NULL' : recordsColumn(values, also);
      const { rows } = await this.query<ClaimRow & { records: unknown[] | null }>(`SELECT record, taken, holder, ${records} AS records FROM ${call}`, values);
      const row = rows[0];
      if (!row) throw new Error('claimKey: the claim function returned no row');
      const outcome = claimOutcome(row);
      if (outcome?.state === 'claimed' && row.records) return { state: 'claimed', records: row.records.map((record) => record ?? undefined) };
      if (outcome) return outcome;
      // The claim we collided with was completed, released or taken after our look: look again.
    }
    throw new Error(`claimKey: idempotency key '${id}' kept changing hands; giving up after ${CLAIM_ATTEMPTS} attempts`);
  }

  async releaseKey(collection: keyof D & string, id: string, claimToken: string): Promise<void> {
    await this.query('DELETE FROM idempotency_claims WHERE workspace = $1 AND collection = $2 AND id = $3 AND claim_token = $4', [
      this.workspace,
      collection,
      id,
      claimToken,
    ]);
  }

  /**
   * Seeds the workspace's fixtures unless they are in already: the first instance to start
   * wins (under the workspace lock), later starts and restarts leave the state alone.
   * Resolves whether this call seeded.
   */
  async seed(): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      await this.lockWorkspace(client);
      const { rowCount } = await client.query('INSERT INTO workspaces (workspace) VALUES ($1) ON CONFLICT DO NOTHING', [this.workspace]);
      if (rowCount === 0) return false;
      await this.insertRecords(client, this.fixturePuts());
      return true;
    });
  }

  async reset(): Promise<void> {
    this.fixedReads.clear(); // the fixtures come back as they were; nothing kept could differ, but nothing need be trusted either
    await inTransaction(this.pool, async (client) => {
      await this.lockWorkspace(client);
      await client.query('DELETE FROM records WHERE workspace = $1', [this.workspace]);
      await client.query('DELETE FROM idempotency_claims WHERE workspace = $1', [this.workspace]);
      await client.query('INSERT INTO workspaces (workspace) VALUES ($1) ON CONFLICT DO NOTHING', [this.workspace]);
      await this.insertRecords(client, this.fixturePuts());
    });
  }

  /** Resolves when the database answers a trivial query; rejects with `StoreUnavailableError` otherwise (`/healthz`). */
  async ping(): Promise<void> {
    await this.query('SELECT 1', []);
  }

  /** Ends the pool if this store owns it. */
  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.end();
  }

  /**
   * Forgets every kept read of a fixed collection: the workspace was removed (by another
   * instance, which this one learns from its shared state), so its credentials are gone too.
   */
  forgetFixed(): void {
    this.fixedReads.clear();
  }

  private keepFixed(ref: RecordRef<string>, value: unknown): void {
    if (this.fixedReads.size >= FIXED_CACHE_SIZE) this.fixedReads.delete(this.fixedReads.keys().next().value as string);
    this.fixedReads.set(fixedKey(ref), value ?? null);
  }

  private async lockWorkspace(client: PoolClient): Promise<void> {
    await client.query(`SELECT pg_advisory_xact_lock($1, hashtext(current_schema() || '/' || $2))`, [WORKSPACE_LOCK, this.workspace]);
  }

  private fixturePuts(): Put[] {
    const puts: Put[] = [];
    for (const [collection, records] of Object.entries(this.fixtures())) {
      for (const [id, value] of Object.entries(records)) puts.push(this.toPut(collection, id, value));
    }
    return puts;
  }

  /**
   * One final write per record: the last put wins, and a record deleted in the transaction is
   * deleted first (so a delete then put re-creates it, with a new place in creation order, as
   * the embedded store does). Puts keep the order they were first made in: creation order.
   */
  private fold(ops: readonly StoreOp[]): { deletes: { collection: string; id: string }[]; puts: Put[] } {
    const deletes = new Map<string, { collection: string; id: string }>();
    const puts = new Map<string, Put>();
    for (const op of ops) {
      const key = `${op.collection}\u0000${op.id}`;
      if (op.op === 'delete') {
        puts.delete(key);
        deletes.set(key, { collection: op.collection, id: op.id });
      } else {
        const existing = puts.get(key);
        const put = this.toPut(op.collection, op.id, op.value);
        if (existing) Object.assign(existing, put);
        else puts.set(key, put);
      }
    }
    return { deletes: [...deletes.values()], puts: [...puts.values()] };
  }

  private toPut(collection: string, id: string, value: unknown): Put {
    const owner = this.schemas[collection as keyof D & string]?.owner(value as D[keyof D & string][string]) ?? null;
    return { collection, id, owner, json: JSON.stringify(value) };
  }

  /** All puts in one statement; new records take `seq` in the order given, existing ones keep theirs. */
  private async insertRecords(client: PoolClient, puts: Put[]): Promise<void> {
    if (puts.length === 0) return;
    await client.query(
      `INSERT INTO records (workspace, collection, id, owner, value)
       SELECT $1, p.collection, p.id, p.owner, p.value::json
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS p(collection, id, owner, value, n)
       ORDER BY p.n
       ON CONFLICT (workspace, collection, id) DO UPDATE SET owner = EXCLUDED.owner, value = EXCLUDED.value`,
      [this.workspace, puts.map((p) => p.collection), puts.map((p) => p.id), puts.map((p) => p.owner), puts.map((p) => p.json)],
    );
  }

  private ownerOf(collection: string): (record: unknown) => string {
    const schema = this.schemas[collection as keyof D & string];
    if (!schema) throw new Error(`'${collection}' is not an owned collection: it has no pages (see CollectionSchemas)`);
    return schema.owner as (record: unknown) => string;
  }

  private async query<R extends QueryResultRow>(text: string, values: unknown[]): Promise<{ rows: R[] }> {
    try {
      return await this.pool.query<R>(prepared(text, values));
    } catch (error) {
      throw toStoreError(error);
    }
  }
}

function fixedKey(ref: RecordRef<string>): string {
  return `${ref.collection}\u0000${ref.id}`;
}

/**
 * A column holding the records `refs` name as one JSON array, in their order (null where none is
 * stored), its two parameters pushed onto `values`, whose `$1` is the workspace: a request's
 * read-ahead beside the shared state, a keyed batch's references beside its claim.
 */
/** What `sandbox_claim_key` (migration 6) returns. */
export interface ClaimRow {
  record: KeyRecord | null;
  taken: boolean;
  holder: string | null;
}

/**
 * The call of `sandbox_claim_key` for one claim, its parameters pushed onto `values` (whose `$1`
 * is the workspace) and `nowMs` an SQL expression: `claimKey` passes the sandbox clock's reading,
 * the shared state's refresh reads it from the clock row in the same statement.
 */
export function claimCall(values: unknown[], collection: string, id: string, claim: Omit<KeyClaim, 'nowMs' | 'alsoRead'>, nowMs: string): string {
  const at = (value: unknown) => `$${values.push(value)}`;
  return `sandbox_claim_key($1, ${at(collection)}, ${at(id)}, ${at(claim.claimToken)}, ${at(claim.fingerprint)}, ${nowMs}, ${at(claim.retentionMs)}, ${at(claim.leaseMs)})`;
}

/** A claim's outcome from the function's row; undefined when the claim it met changed hands after its look (look again). */
export function claimOutcome(row: ClaimRow): KeyClaimResult | undefined {
  if (row.record) return { state: 'done', record: row.record };
  if (row.taken) return { state: 'claimed' };
  if (row.holder !== null) return { state: 'in_flight', fingerprint: row.holder };
  return undefined;
}

export function recordsColumn(values: unknown[], refs: readonly RecordRef[]): string {
  const collections = `$${values.push(refs.map((ref) => ref.collection))}`;
  const ids = `$${values.push(refs.map((ref) => ref.id))}`;
  // A primary-key lookup per ref (a correlated subquery), not a join: an index lookup whatever
  // the plan, the generic plan of a prepared statement included, which cannot know the arrays
  // are short (test/store/postgres.test.ts checks that plan).
  return `(SELECT json_agg((SELECT rec.value FROM records rec WHERE rec.workspace = $1 AND rec.collection = r.collection AND rec.id = r.id) ORDER BY r.n)
             FROM unnest(${collections}::text[], ${ids}::text[]) WITH ORDINALITY AS r(collection, id, n))`;
}

/** The columns `pageColumns` selects: the page (one row more than asked), whether the cursor is the owner's, the owner's count. */
export interface PageColumns<V> {
  page: { id: string; value: V }[];
  found: boolean;
  total: string | null;
}

/**
 * The select-list of one page read as three columns (`PageColumns`), its parameters pushed onto
 * `values`, whose `$1` is the workspace: the page store reads it alone, the shared state's
 * refresh beside the clock and faults (a list's read-ahead), so a list is one round trip.
 */
export function pageColumns(values: unknown[], collection: string, owner: string, query: PageQuery): string {
  const rows = pageRows(values, { collection, owner, afterId: query.after, newestFirst: query.newestFirst, limit: query.limit, offset: query.offset });
  const order = query.newestFirst ? 'DESC' : 'ASC';
  return `(SELECT coalesce(json_agg(json_build_object('id', p.id, 'value', p.value) ORDER BY p.seq ${order}), '[]'::json) FROM (${rows.text}) p) AS page,
          ${rows.afterSeq === undefined ? 'true' : `EXISTS (${rows.afterSeq})`} AS found,
          ${query.withTotal ? `(SELECT n FROM record_counts WHERE workspace = $1 AND collection = ${rows.collection} AND owner = ${rows.owner})` : 'NULL'} AS total`;
}

/** The page `pageColumns` read; undefined when the cursor is not one of the owner's records. */
export function pageOf<V>(row: PageColumns<V> | undefined, query: PageQuery): RecordPage<V> | undefined {
  if (!row?.found) return undefined;
  const page = row.page.slice(0, query.limit);
  const result: RecordPage<V> = { items: page.map((item) => item.value), ids: page.map((item) => item.id), hasMore: row.page.length > query.limit };
  if (query.withTotal) result.total = Number(row.total ?? 0);
  return result;
}

/**
 * The SQL of one page: a keyset on `seq` after the cursor's (the cursor given by its `seq`, or
 * by its id, looked up in the same statement), over the (owner, workspace, collection, seq)
 * index (records_by_owner), one more row than the page to know whether more follow. Exported so a test can EXPLAIN it.
 */
export function pageStatement(query: {
  workspace: string;
  collection: string;
  owner: string;
  afterSeq?: string | undefined;
  afterId?: string | undefined;
  newestFirst: boolean;
  limit: number;
  offset?: number | undefined;
}): { text: string; values: unknown[] } {
  const values: unknown[] = [query.workspace];
  return { text: pageRows(values, query).text, values };
}

/** `pageStatement`'s SQL with its parameters pushed onto `values` (`$1`: the workspace), and the placeholders it used. */
function pageRows(
  values: unknown[],
  query: { collection: string; owner: string; afterSeq?: string | undefined; afterId?: string | undefined; newestFirst: boolean; limit: number; offset?: number | undefined },
): { text: string; collection: string; owner: string; afterSeq: string | undefined } {
  const at = (value: unknown): string => `$${values.push(value)}`;
  const collection = at(query.collection);
  const owner = at(query.owner);
  const compare = query.newestFirst ? '<' : '>';
  let afterSeq: string | undefined;
  let keyset = '';
  if (query.afterId !== undefined) {
    // The owner compared with IS NOT DISTINCT FROM, which no index serves: so the cursor's row
    // is found by the primary key, never by records_by_owner's scan of the owner's records (a
    // plan made before the table had statistics could pick either; see migration 8).
    afterSeq = `SELECT seq FROM records WHERE workspace = $1 AND collection = ${collection} AND id = ${at(query.afterId)} AND owner IS NOT DISTINCT FROM ${owner}`;
    keyset = ` AND seq ${compare} (${afterSeq})`;
  } else if (query.afterSeq !== undefined) {
    keyset = ` AND seq ${compare} ${at(query.afterSeq)}::bigint`;
  }
  const limit = at(query.limit + 1);
  const offset = at(query.offset ?? 0);
  return {
    text: `SELECT id, value, seq FROM records WHERE workspace = $1 AND collection = ${collection} AND owner = ${owner}${keyset}
           ORDER BY seq ${query.newestFirst ? 'DESC' : 'ASC'} LIMIT ${limit} OFFSET ${offset}`,
    collection,
    owner,
    afterSeq,
  };
}
