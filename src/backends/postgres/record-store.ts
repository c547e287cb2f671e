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
import { CLAIM_LOST, commitScript, REFUSED, type Put } from './commit-script.js';
import { inTransaction, toStoreError } from './pool.js';

export interface PostgresRecordStoreOptions<D extends Collections> {
  pool: Pool;
  /** Every row this store reads or writes is this workspace's ('default' for the default one). */
  workspace: string;
  schemas: CollectionSchemas<D>;
  /** The workspace's starting state: seeded once (`seed`), restored by `reset`. */
  fixtures: () => D;
  /** Whether `close` ends the pool (openPostgres: yes; a pool passed in stays the caller's). */
  ownsPool?: boolean;
}

/** Lock class of the per-workspace lock that seeding and reset take (pg_advisory_xact_lock). */
const WORKSPACE_LOCK = 0x46535731; // 'FSW1'
/** How often claimKey looks again when the claim it collided with changed under it. */
const CLAIM_ATTEMPTS = 10;

/**
 * `RecordStore` on PostgreSQL (see migration 1 for the tables): every instance behind one URL
 * shares the state, every statement is scoped to the store's workspace, and a connection
 * problem surfaces as `StoreUnavailableError` within seconds (see `createPool`).
 *
 * - `page` is a keyset on `seq` over the (workspace, collection, owner, seq) index: O(offset + limit).
 * - `count` reads per-owner counters that statement triggers keep in the writing transaction:
 *   O(1) for an owner, O(owners) for a whole collection. (`count(*)` would read every index
 *   entry of the owner, O(records), on every list page.)
 * - `commit` is one SQL transaction in one round trip (`commitScript`): deletes, then all puts
 *   in one `INSERT ... SELECT unnest(...)` (a put over an existing record keeps its `seq`), the
 *   bounds, then the completed claims.
 * - `claimKey` is one statement that either finds a live stored answer, or inserts the claim
 *   row / takes over a lapsed one (`ON CONFLICT ... DO UPDATE ... WHERE lease_until <= now`),
 *   or reports the holder; lease times are the database's clock, shared by every instance.
 */
export class PostgresRecordStore<D extends Collections> implements RecordStore<D> {
  readonly pool: Pool;
  readonly workspace: string;
  private readonly schemas: CollectionSchemas<D>;
  private readonly fixtures: () => D;
  private readonly ownsPool: boolean;

  constructor(options: PostgresRecordStoreOptions<D>) {
    this.pool = options.pool;
    this.ownsPool = options.ownsPool ?? false;
    this.workspace = options.workspace;
    this.schemas = options.schemas;
    this.fixtures = options.fixtures;
  }

  async get<C extends keyof D & string>(collection: C, id: string): Promise<D[C][string] | undefined> {
    const { rows } = await this.query<{ value: D[C][string] }>(
      'SELECT value FROM records WHERE workspace = $1 AND collection = $2 AND id = $3',
      [this.workspace, collection, id],
    );
    return rows[0]?.value;
  }

  async getMany<C extends keyof D & string>(refs: readonly RecordRef<C>[]): Promise<(D[C][string] | undefined)[]> {
    if (refs.length === 0) return [];
    if (refs.length === 1) return [await this.get((refs[0] as RecordRef<C>).collection, (refs[0] as RecordRef<C>).id)];
    const { rows } = await this.query<{ n: string; value: D[C][string] | null }>(
      `SELECT r.n, rec.value FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS r(collection, id, n)
       LEFT JOIN records rec ON rec.workspace = $1 AND rec.collection = r.collection AND rec.id = r.id`,
      [this.workspace, refs.map((ref) => ref.collection), refs.map((ref) => ref.id)],
    );
    const found: (D[C][string] | undefined)[] = new Array(refs.length).fill(undefined);
    for (const row of rows) found[Number(row.n) - 1] = row.value ?? undefined;
    return found;
  }

  async page<C extends keyof D & string>(collection: C, owner: string, query: PageQuery): Promise<RecordPage<D[C][string]> | undefined> {
    this.ownerOf(collection); // an unowned collection has no pages
    let afterSeq: string | undefined;
    if (query.after !== undefined) {
      const { rows } = await this.query<{ seq: string }>(
        'SELECT seq FROM records WHERE workspace = $1 AND collection = $2 AND id = $3 AND owner = $4',
        [this.workspace, collection, query.after, owner],
      );
      if (!rows[0]) return undefined;
      afterSeq = rows[0].seq;
    }
    const statement = pageStatement({ workspace: this.workspace, collection, owner, afterSeq, ...query });
    const { rows } = await this.query<{ id: string; value: D[C][string] }>(statement.text, statement.values);
    const page = rows.slice(0, query.limit);
    return { items: page.map((row) => row.value), ids: page.map((row) => row.id), hasMore: rows.length > query.limit };
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
   * One round trip: the whole transaction goes as one script (`commitScript`), which
   * PostgreSQL runs as one implicit transaction. A cap it breaks or a claim it lost rolls it all
   * back and comes back as `sandbox_check`'s reason, turned here into the bound's refusal or a
   * `ClaimLostError`. A deadlock or serialization failure is retried, as `inTransaction` does.
   */
  async commit<T>(build: (tx: Transaction<D>) => T): Promise<T> {
    const tx = new Transaction<D>();
    const result = build(tx);
    if (tx.ops.length === 0 && tx.completedClaims.length === 0 && tx.bounds.length === 0) return result;
    const script = commitScript({ workspace: this.workspace, ...this.fold(tx.ops), bounds: tx.bounds, claims: tx.completedClaims });
    for (let attempt = 1; ; attempt++) {
      try {
        await this.pool.query(script);
        return result;
      } catch (error) {
        const { code, message } = error as { code?: unknown; message?: unknown };
        if (code === 'P0001' && typeof message === 'string') {
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
      const { rows } = await this.query<{ record: KeyRecord | null; taken: boolean; holder: string | null }>(
        `WITH live AS (
           SELECT value FROM records
           WHERE workspace = $1 AND collection = $2 AND id = $3 AND $6::float8 < (value->>'storedAtMs')::float8 + $7::float8
         ), taken AS (
           INSERT INTO idempotency_claims AS c (workspace, collection, id, claim_token, fingerprint, lease_until)
           SELECT $1, $2, $3, $4, $5, clock_timestamp() + $8::float8 * interval '1 millisecond'
           WHERE NOT EXISTS (SELECT 1 FROM live)
           ON CONFLICT (workspace, collection, id) DO UPDATE
             SET claim_token = EXCLUDED.claim_token, fingerprint = EXCLUDED.fingerprint, lease_until = EXCLUDED.lease_until
             WHERE c.lease_until <= clock_timestamp()
           RETURNING 1
         )
         SELECT (SELECT value FROM live) AS record,
                EXISTS (SELECT 1 FROM taken) AS taken,
                (SELECT fingerprint FROM idempotency_claims
                 WHERE workspace = $1 AND collection = $2 AND id = $3 AND lease_until > clock_timestamp()) AS holder`,
        [this.workspace, collection, id, claim.claimToken, claim.fingerprint, claim.nowMs, claim.retentionMs, claim.leaseMs],
      );
      const row = rows[0];
      if (!row) throw new Error('claimKey: the claim statement returned no row');
      if (row.record) return { state: 'done', record: row.record };
      if (row.taken) {
        // The statement's snapshot predates the insert: an answer committed in between (its
        // claim row already gone, so nothing conflicted) is only visible now.
        const stored = await this.get(collection, id);
        const answer = stored as KeyRecord | undefined;
        if (answer && claim.nowMs < answer.storedAtMs + claim.retentionMs) {
          await this.releaseKey(collection, id, claim.claimToken);
          return { state: 'done', record: answer };
        }
        return { state: 'claimed' };
      }
      if (row.holder !== null) return { state: 'in_flight', fingerprint: row.holder };
      // The claim we collided with was completed, released or taken after our snapshot: look again.
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
      return await this.pool.query<R>(text, values);
    } catch (error) {
      throw toStoreError(error);
    }
  }
}

/**
 * The SQL of one page: a keyset on `seq` after the cursor's, over the (workspace, collection,
 * owner, seq) index, one more row than the page to know whether more follow. Exported so a
 * test can EXPLAIN it.
 */
export function pageStatement(query: {
  workspace: string;
  collection: string;
  owner: string;
  afterSeq?: string | undefined;
  newestFirst: boolean;
  limit: number;
  offset?: number | undefined;
}): { text: string; values: unknown[] } {
  const values: unknown[] = [query.workspace, query.collection, query.owner];
  let keyset = '';
  if (query.afterSeq !== undefined) {
    values.push(query.afterSeq);
    keyset = ` AND seq ${query.newestFirst ? '<' : '>'} $${values.length}::bigint`;
  }
  values.push(query.limit + 1, query.offset ?? 0);
  return {
    text: `SELECT id, value FROM records WHERE workspace = $1 AND collection = $2 AND owner = $3${keyset}
           ORDER BY seq ${query.newestFirst ? 'DESC' : 'ASC'} LIMIT $${values.length - 1} OFFSET $${values.length}`,
    values,
  };
}
