import { Low, Memory } from 'lowdb';
import { resolveBounds, type AppliedState } from './bounds-view.js';
import { ClaimLostError } from '../../core/store/errors.js';
import { OwnerOrder } from './owner-order.js';
import { Transaction, type CollectionSchemas, type KeyClaim, type KeyClaimResult, type KeyRecord, type PageQuery, type RecordPage, type RecordRef, type RecordStore } from '../../core/store/record-store.js';
import type { Collections, Persistence, StoreOp } from '../../core/store/types.js';

export interface EmbeddedStoreOptions<D extends Collections> {
  /** The starting state; called again on every reset. */
  fixtures: () => D;
  /** Which collections are listed per owner, and who owns a record. */
  schemas?: CollectionSchemas<D>;
  /** `--data FILE`; in memory only when absent. */
  persistence?: Persistence<D>;
}

/**
 * The embedded `RecordStore`: lowdb's Memory adapter, optionally made durable by a
 * `Persistence` (`--data FILE`). It needs nothing installed and is the default.
 *
 * - Reads are property lookups; each owned collection also keeps an `OwnerOrder` per owner,
 *   so pages and counts never scan.
 * - A commit is made durable first and applied to memory after, in one synchronous step: memory
 *   never holds what a restart would not, and no rollback is ever needed (the indexes included).
 * - Idempotency claims live in memory only: a crash loses the claim, never an answer, because
 *   the answer is committed together with the request's own writes (`tx.completeKey`).
 *
 * @example
 * const store = await EmbeddedStore.open({ fixtures: () => ({ things: {} }), schemas: { things: { owner: (t) => t.owner } } });
 * await store.commit((tx) => tx.put('things', 't1', { id: 't1', owner: 'o' }));
 * await store.page('things', 'o', { limit: 10, newestFirst: true }); // { items: [{ id: 't1', owner: 'o' }], hasMore: false }
 */
export class EmbeddedStore<D extends Collections> implements RecordStore<D> {
  private readonly db: Low<D>;
  private orders = new Map<string, Map<string, OwnerOrder>>();
  private sizes = new Map<string, number>();
  private readonly claims = new Map<string, { fingerprint: string; claimToken: string; leaseUntilMs: number }>();
  /** The ops of commits ordered in the journal but not yet durable, oldest first (`resolveBounds` reads them). */
  private readonly pending: StoreOp[][] = [];
  private readonly appliedState: AppliedState = {
    get: (collection, id) => this.getNow(collection as keyof D & string, id),
    size: (collection) => this.sizes.get(collection) ?? 0,
    order: (collection, owner) => this.ownerOrder(collection, owner),
    ownerOf: (collection) => this.options.schemas?.[collection]?.owner as ((record: unknown) => string) | undefined,
  };

  private constructor(
    private readonly options: EmbeddedStoreOptions<D>,
    data: D,
  ) {
    this.db = new Low<D>(new Memory<D>(), data);
    this.rebuildIndexes();
  }

  static async open<D extends Collections>(options: EmbeddedStoreOptions<D>): Promise<EmbeddedStore<D>> {
    const saved = await options.persistence?.load();
    const store = new EmbeddedStore(options, saved ? withMissingCollections(saved, options.fixtures()) : options.fixtures());
    if (!saved && options.persistence) await options.persistence.replace(store.db.data);
    return store;
  }

  /** The live state, for tests and the persistence's first snapshot only: change it through `commit`. */
  get data(): Readonly<D> {
    return this.db.data;
  }

  async get<C extends keyof D & string>(collection: C, id: string): Promise<D[C][string] | undefined> {
    return this.getNow(collection, id);
  }

  async getMany<C extends keyof D & string>(refs: readonly RecordRef<C>[]): Promise<(D[C][string] | undefined)[]> {
    return refs.map((ref) => this.getNow(ref.collection, ref.id));
  }

  /** `get` without the promise, for code that must not yield between a check and a write. */
  getNow<C extends keyof D & string>(collection: C, id: string): D[C][string] | undefined {
    const records = this.db.data[collection];
    return records !== undefined && Object.hasOwn(records, id) ? (records[id] as D[C][string]) : undefined;
  }

  async page<C extends keyof D & string>(collection: C, owner: string, query: PageQuery): Promise<RecordPage<D[C][string]> | undefined> {
    const order = this.ownerOrder(collection, owner);
    if (query.after !== undefined && !order?.has(query.after)) return undefined;
    const items: D[C][string][] = [];
    const ids: string[] = [];
    const page = (hasMore: boolean): RecordPage<D[C][string]> => (query.withTotal ? { items, ids, hasMore, total: order?.size ?? 0 } : { items, ids, hasMore });
    if (!order) return page(false);
    let skip = query.offset ?? 0;
    for (const id of order.walk(query.after, query.newestFirst)) {
      if (skip > 0) {
        skip--;
        continue;
      }
      if (items.length === query.limit) return page(true);
      items.push(this.getNow(collection, id) as D[C][string]);
      ids.push(id);
    }
    return page(false);
  }

  async count<C extends keyof D & string>(collection: C, owner?: string): Promise<number> {
    return this.countNow(collection, owner);
  }

  countNow(collection: keyof D & string, owner?: string): number {
    if (owner === undefined) return this.sizes.get(collection) ?? 0;
    return this.ownerOrder(collection, owner)?.size ?? 0;
  }

  async scan<C extends keyof D & string>(collection: C, owner?: string): Promise<D[C][string][]> {
    if (owner !== undefined && this.options.schemas?.[collection]) {
      const order = this.ownerOrder(collection, owner);
      return order ? [...order.walk(undefined, false)].map((id) => this.getNow(collection, id) as D[C][string]) : [];
    }
    const all = Object.values(this.db.data[collection] ?? {}) as D[C][string][];
    const schema = this.options.schemas?.[collection];
    return owner === undefined || !schema ? all : all.filter((record) => schema.owner(record) === owner);
  }

  async commit<T>(build: (tx: Transaction<D>) => T): Promise<T> {
    const tx = new Transaction<D>();
    const result = build(tx);
    // Bounds are resolved here, in the same synchronous step that orders this commit in the
    // journal, against the commits ordered before it (applied or still being made durable).
    if (tx.bounds.length > 0) resolveBounds(this.appliedState, this.pending, tx.ops, tx.bounds);
    if (tx.ops.length === 0) return result;
    for (const claim of tx.completedClaims) {
      const held = this.claims.get(claimKeyOf(claim.collection, claim.id));
      if (held?.claimToken !== claim.claimToken) throw new ClaimLostError(claim.collection, claim.id);
    }
    // Durable first, then visible: with `--data`, an answer is only ever given for a state the
    // file holds, and a failed write changes nothing in memory. Appends resolve in the order
    // they were made, so memory applies commits in journal order.
    if (this.options.persistence) {
      const ops = tx.ops;
      this.pending.push(ops);
      try {
        await this.options.persistence.append(ops);
      } finally {
        this.pending.splice(this.pending.indexOf(ops), 1);
      }
    }
    this.apply(tx.ops);
    for (const claim of tx.completedClaims) this.claims.delete(claimKeyOf(claim.collection, claim.id));
    return result;
  }

  async claimKey(collection: keyof D & string, id: string, claim: KeyClaim): Promise<KeyClaimResult> {
    const stored = this.getNow(collection, id) as KeyRecord | undefined;
    if (stored && claim.nowMs < stored.storedAtMs + claim.retentionMs) return { state: 'done', record: stored };
    const key = claimKeyOf(collection, id);
    const held = this.claims.get(key);
    if (held && Date.now() < held.leaseUntilMs) return { state: 'in_flight', fingerprint: held.fingerprint };
    this.claims.set(key, { fingerprint: claim.fingerprint, claimToken: claim.claimToken, leaseUntilMs: Date.now() + claim.leaseMs });
    return { state: 'claimed' };
  }

  async releaseKey(collection: keyof D & string, id: string, claimToken: string): Promise<void> {
    const key = claimKeyOf(collection, id);
    if (this.claims.get(key)?.claimToken === claimToken) this.claims.delete(key);
  }

  async reset(): Promise<void> {
    const fresh = this.options.fixtures();
    await this.options.persistence?.replace(fresh);
    this.db.data = fresh;
    this.claims.clear();
    this.rebuildIndexes();
  }

  async close(): Promise<void> {
    await this.options.persistence?.close();
  }

  private apply(ops: readonly StoreOp[]): void {
    const data = this.db.data as Collections;
    for (const op of ops) {
      const records = (data[op.collection] ??= {});
      const had = Object.hasOwn(records, op.id);
      const schema = this.options.schemas?.[op.collection];
      if (op.op === 'put') {
        if (schema && had) {
          // A put that changes the owner moves the record to the new owner's end.
          const before = schema.owner(records[op.id] as never);
          const after = schema.owner(op.value as never);
          if (before !== after) this.ownerOrder(op.collection, before)?.remove(op.id);
        }
        records[op.id] = op.value;
        if (!had) this.sizes.set(op.collection, (this.sizes.get(op.collection) ?? 0) + 1);
        if (schema) this.ownerOrderFor(op.collection, schema.owner(op.value as never)).append(op.id);
      } else if (had) {
        if (schema) this.ownerOrder(op.collection, schema.owner(records[op.id] as never))?.remove(op.id);
        delete records[op.id];
        this.sizes.set(op.collection, (this.sizes.get(op.collection) ?? 1) - 1);
      }
    }
  }

  private ownerOrder(collection: string, owner: string): OwnerOrder | undefined {
    return this.orders.get(collection)?.get(owner);
  }

  private ownerOrderFor(collection: string, owner: string): OwnerOrder {
    let byOwner = this.orders.get(collection);
    if (!byOwner) this.orders.set(collection, (byOwner = new Map()));
    let order = byOwner.get(owner);
    if (!order) byOwner.set(owner, (order = new OwnerOrder()));
    return order;
  }

  /** One scan at open and reset: records keep the order they were stored (and saved) in. */
  private rebuildIndexes(): void {
    this.orders = new Map();
    this.sizes = new Map();
    for (const [collection, records] of Object.entries(this.db.data as Collections)) {
      const ids = Object.keys(records);
      this.sizes.set(collection, ids.length);
      const schema = this.options.schemas?.[collection];
      if (schema) for (const id of ids) this.ownerOrderFor(collection, schema.owner(records[id] as never)).append(id);
    }
  }
}

function claimKeyOf(collection: string, id: string): string {
  return `${collection}\u0000${id}`;
}

/** Applies ops in order to plain collections: replaying a saved journal. */
export function applyOps(data: Collections, ops: readonly StoreOp[]): void {
  for (const op of ops) {
    const collection = (data[op.collection] ??= {});
    if (op.op === 'put') collection[op.id] = op.value;
    else delete collection[op.id];
  }
}

/** A file saved by an older version may lack collections added since; start those empty. */
function withMissingCollections<D extends Collections>(saved: D, fresh: D): D {
  for (const key of Object.keys(fresh) as (keyof D)[]) saved[key] ??= {} as D[keyof D];
  return saved;
}
