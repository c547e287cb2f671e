import { Low, Memory } from 'lowdb';
import type { Collections, Persistence, StoreOp } from './types.js';

/** Collects the puts and deletes of one transaction; nothing touches the state until it commits. */
export class Transaction<D extends Collections> {
  readonly ops: StoreOp[] = [];

  put<C extends keyof D & string>(collection: C, id: string, value: D[C][string]): void {
    this.ops.push({ op: 'put', collection, id, value });
  }

  delete<C extends keyof D & string>(collection: C, id: string): void {
    this.ops.push({ op: 'delete', collection, id });
  }
}

/**
 * State behind a small service, with lowdb underneath (its Memory adapter unless a
 * persistence is given). Reads are plain property lookups; writes go through `commit`, which
 * applies a whole transaction at once, so a batch that fails validation leaves nothing behind.
 *
 * @example
 * const store = await Store.open({ fixtures: () => ({ things: {} }) });
 * await store.commit((tx) => tx.put('things', 't1', { id: 't1' }));
 * store.get('things', 't1'); // { id: 't1' }
 */
export class Store<D extends Collections> {
  private constructor(
    private readonly db: Low<D>,
    private readonly fixtures: () => D,
    private readonly persistence: Persistence<D> | undefined,
  ) {}

  static async open<D extends Collections>(options: {
    fixtures: () => D;
    persistence?: Persistence<D>;
  }): Promise<Store<D>> {
    const saved = await options.persistence?.load();
    const db = new Low<D>(new Memory<D>(), options.fixtures());
    await db.read();
    db.data = saved ? withMissingCollections(saved, options.fixtures()) : options.fixtures();
    const store = new Store(db, options.fixtures, options.persistence);
    if (!saved && options.persistence) await options.persistence.replace(db.data);
    return store;
  }

  /** The live state, for reads only: change it through `commit`. */
  get data(): Readonly<D> {
    return this.db.data;
  }

  get<C extends keyof D & string>(collection: C, id: string): D[C][string] | undefined {
    const records = this.records(collection);
    return Object.hasOwn(records, id) ? (records[id] as D[C][string]) : undefined;
  }

  /** Every record of a collection, in insertion order. */
  all<C extends keyof D & string>(collection: C): D[C][string][] {
    return Object.values(this.records(collection)) as D[C][string][];
  }

  count<C extends keyof D & string>(collection: C): number {
    return Object.keys(this.records(collection)).length;
  }

  private records(collection: string): Record<string, unknown> {
    return this.db.data[collection] ?? {};
  }

  /**
   * Runs `build` to collect a transaction, applies it in one synchronous step and, when the
   * state is persisted, resolves once it is durable. If `build` throws, nothing is applied; if
   * the write to disk fails, the transaction is taken back out of memory before the error
   * propagates, so memory never holds what a restart would not.
   */
  async commit<T>(build: (tx: Transaction<D>) => T): Promise<T> {
    const tx = new Transaction<D>();
    const result = build(tx);
    if (tx.ops.length === 0) return result;
    if (!this.persistence) {
      applyOps(this.db.data, tx.ops);
      return result;
    }
    const undo = inverseOps(this.db.data, tx.ops);
    applyOps(this.db.data, tx.ops);
    try {
      await this.persistence.append(tx.ops);
    } catch (error) {
      rollBack(this.db.data, tx.ops, undo);
      throw error;
    }
    return result;
  }

  /** Back to the fixtures. */
  async reset(): Promise<void> {
    this.db.data = this.fixtures();
    await this.persistence?.replace(this.db.data);
  }

  async close(): Promise<void> {
    await this.persistence?.close();
  }
}

/** Applies ops in order; shared by commits and by replaying a saved journal. */
export function applyOps(data: Collections, ops: readonly StoreOp[]): void {
  for (const op of ops) {
    const collection = (data[op.collection] ??= {});
    if (op.op === 'put') collection[op.id] = op.value;
    else delete collection[op.id];
  }
}

/** For each op, what undoes it: the record it replaced, or its absence (`value: undefined`). */
function inverseOps(data: Collections, ops: readonly StoreOp[]): { collection: string; id: string; had: boolean; value: unknown }[] {
  return ops.map((op) => {
    const collection = data[op.collection];
    const had = collection !== undefined && Object.hasOwn(collection, op.id);
    return { collection: op.collection, id: op.id, had, value: had ? collection[op.id] : undefined };
  });
}

/**
 * Undoes a transaction, last op first. A record a later transaction has since replaced is left
 * alone: that transaction's own outcome decides it.
 */
function rollBack(data: Collections, ops: readonly StoreOp[], undo: ReturnType<typeof inverseOps>): void {
  for (let i = ops.length - 1; i >= 0; i--) {
    const op = ops[i] as StoreOp;
    const before = undo[i] as (typeof undo)[number];
    const collection = (data[op.collection] ??= {});
    const current = Object.hasOwn(collection, op.id) ? collection[op.id] : undefined;
    const stillOurs = op.op === 'put' ? current === op.value : !Object.hasOwn(collection, op.id);
    if (!stillOurs) continue;
    if (before.had) collection[op.id] = before.value;
    else delete collection[op.id];
  }
}

/** A file saved by an older version may lack collections added since; start those empty. */
function withMissingCollections<D extends Collections>(saved: D, fresh: D): D {
  for (const key of Object.keys(fresh) as (keyof D)[]) saved[key] ??= {} as D[keyof D];
  return saved;
}
