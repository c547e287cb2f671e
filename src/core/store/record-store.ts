import type { Collections, StoreOp } from './types.js';

/**
 * The one state interface every request goes through. Two implementations stand behind it:
 * the embedded store (lowdb in memory, `--data FILE` on disk; `src/core/store/store.ts`) and
 * PostgreSQL (`src/backends/postgres/`), so many instances can serve one sandbox.
 *
 * Everything is async, even where the embedded store could answer at once, so that a handler
 * written against it runs unchanged on either. The operations are the ones the APIs need and
 * no more: a record by id, a page of one owner's records in creation order, counts, a scan
 * (documented as O(records): filters no index serves, auto-advance), a transaction of puts and
 * deletes, and an atomic claim of an idempotency key.
 *
 * A store is one workspace's: every read and write is scoped to it by construction.
 */
export interface RecordStore<D extends Collections> {
  /** The record stored under `id`, or undefined. */
  get<C extends keyof D & string>(collection: C, id: string): Promise<D[C][string] | undefined>;

  /**
   * The records under each of `refs` (of one or several collections), in the order asked,
   * undefined where none is stored: one read where `get` per record would be one each (on
   * PostgreSQL, one round trip). A handler fetches every record a request refers to at once.
   *
   * @example
   * const [account, brokerage] = await store.getMany([{ collection: 'norcapAccounts', id: 'A1' }, { collection: 'norcapBrokerageAccounts', id: 'NC1' }]);
   */
  getMany<C extends keyof D & string>(refs: readonly RecordRef<C>[]): Promise<(D[C][string] | undefined)[]>;

  /**
   * One owner's records of an owned collection (see `CollectionSchemas`) in creation order,
   * `limit` at a time: newest first or oldest first, starting just after the record `after`
   * (undefined: from the start) and skipping `offset` more. The cost is O(offset + limit),
   * whatever the number of records. Resolves undefined when `after` is not one of the owner's
   * records (the API answers that as an unknown cursor).
   */
  page<C extends keyof D & string>(collection: C, owner: string, query: PageQuery): Promise<RecordPage<D[C][string]> | undefined>;

  /** How many records the owner has in an owned collection; every record when `owner` is undefined. O(1). */
  count<C extends keyof D & string>(collection: C, owner?: string): Promise<number>;

  /**
   * Every record of a collection (one owner's, when given), oldest first. O(records): for the
   * filters and background work no index serves; each caller documents the cost.
   */
  scan<C extends keyof D & string>(collection: C, owner?: string): Promise<D[C][string][]>;

  /**
   * Runs `build` to collect puts and deletes, then applies them all at once: a failed
   * `build` applies nothing, and once the returned promise resolves the whole transaction is
   * durable (on disk with `--data`, committed in PostgreSQL). `build` must not await: it
   * only records what to write.
   */
  commit<T>(build: (tx: Transaction<D>) => T): Promise<T>;

  /**
   * Claims an idempotency key atomically, across instances: exactly one caller gets
   * `claimed`; others see the stored answer (`done`) or the claim still under way (`in_flight`,
   * with its fingerprint). A claim lapses `leaseMs` of real time after it was taken, so a claim
   * whose instance died mid-request does not block its key forever. The answer is stored by
   * `tx.completeKey` in the same transaction as the request's own writes, or in a
   * transaction of its own for an answer that wrote nothing; `releaseKey` drops a
   * claim whose answer is not stored (5xx, 408, 429).
   */
  claimKey(collection: keyof D & string, id: string, claim: KeyClaim): Promise<KeyClaimResult>;
  releaseKey(collection: keyof D & string, id: string, claimToken: string): Promise<void>;

  /** Back to the fixtures (this workspace only). */
  reset(): Promise<void>;
}

/** One record's address. */
export interface RecordRef<C extends string = string> {
  collection: C;
  id: string;
}

/** Where a page starts and how long it is. */
export interface PageQuery {
  limit: number;
  newestFirst: boolean;
  /** Id of the record just before the page, in the page's order. */
  after?: string;
  /** Records to skip (after `after`); O(offset). */
  offset?: number;
  /** Also count the owner's records (`RecordPage.total`), in the same read. */
  withTotal?: boolean;
}

export interface RecordPage<V> {
  items: V[];
  /** The id of each item, in the same order. */
  ids: string[];
  hasMore: boolean;
  /** How many records the owner has (as `count` would say), when the query asked `withTotal`. */
  total?: number;
}

/**
 * Which collections are listed per owner, and who owns a record. A store keeps, for each such
 * collection, each owner's ids in creation order, maintained in the same commit that writes
 * the records (in memory beside the data; in PostgreSQL as indexed columns), so a page costs
 * O(page) and a count O(1).
 *
 * @example
 * const schemas: CollectionSchemas<NorcapData> = { norcapDistributions: { owner: (r) => r.owner } };
 */
export type CollectionSchemas<D extends Collections> = {
  [C in keyof D]?: { owner(record: D[C][string]): string };
};

/** A claim on an idempotency key. */
export interface KeyClaim {
  /** What makes a retry "the same request" (see `requestFingerprint`). */
  fingerprint: string;
  /** Unique per claim: only its holder may complete or release it. */
  claimToken: string;
  /** Sandbox-clock now: a stored answer older than its retention is no longer replayed. */
  nowMs: number;
  /** How long a stored answer is replayed, in sandbox time. */
  retentionMs: number;
  /** How long a claim holds without being completed, in real time. */
  leaseMs: number;
  /**
   * Records the request will read once it holds the claim (a batch's references): a store may
   * read them in the claim's own round trip and hand them back as `records` (PostgreSQL does;
   * the embedded store, with no round trip to save, does not).
   */
  alsoRead?: readonly RecordRef[];
}

export type KeyClaimResult = { state: 'claimed'; records?: unknown[] } | { state: 'in_flight'; fingerprint: string } | { state: 'done'; record: KeyRecord };

/** A stored answer under an idempotency key (JSON as it stands, replayed byte for byte). */
export interface KeyRecord {
  fingerprint: string;
  status: number;
  contentType: string | null;
  /** The serialized body exactly as it was sent. */
  body: string;
  /** Sandbox-clock instant it was stored; retention counts from here. */
  storedAtMs: number;
}

/** Collects the puts and deletes of one transaction; nothing touches the state until it commits. */
export class Transaction<D extends Collections> {
  readonly ops: StoreOp[] = [];

  put<C extends keyof D & string>(collection: C, id: string, value: D[C][string]): void {
    this.ops.push({ op: 'put', collection, id, value });
  }

  delete<C extends keyof D & string>(collection: C, id: string): void {
    this.ops.push({ op: 'delete', collection, id });
  }

  /**
   * Stores the answer to a claimed idempotency key in this transaction, beside the writes that
   * answer made, and ends the claim: a crash leaves both or neither.
   */
  completeKey(collection: keyof D & string, id: string, claimToken: string, record: KeyRecord): void {
    this.ops.push({ op: 'put', collection, id, value: record });
    this.completedClaims.push({ collection, id, claimToken });
  }

  /** The claims `completeKey` ends when this transaction commits. */
  readonly completedClaims: { collection: string; id: string; claimToken: string }[] = [];

  /**
   * After this transaction, `owner` keeps at most `max` records of the owned `collection`: the
   * oldest beyond are deleted, and so are the expired ones among its oldest `expiry.scan`
   * (a record is expired when its numeric `expiry.field` is at or before `expiry.atOrBeforeMs`).
   *
   * The store resolves it into deletes as it commits, serialised with every other commit
   * (the embedded store sees the commits still being made durable; PostgreSQL deletes in the
   * same SQL transaction, after the per-owner counter row its insert locked), so concurrent
   * commits can never leave more than `max`: a bound read outside the commit would let each of
   * them drop the same old records and keep its own.
   *
   * @example
   * tx.put('novaTokens', hash, token);
   * tx.keepAtMost('novaTokens', clientId, 20, { field: 'expiresAtMs', atOrBeforeMs: now, scan: 21 });
   */
  keepAtMost<C extends keyof D & string>(collection: C, owner: string, max: number, expiry?: Expiry): void {
    this.bounds.push({ kind: 'keep', collection, owner, max, expiry });
  }

  /**
   * Refuses the whole transaction, with `refusal()` as its error, when `collection` (every
   * owner) would hold more than `max` records after it. Checked by the store as it commits,
   * serialised with every other commit that does the same, so concurrent creates cannot pass
   * the cap together.
   *
   * @example
   * tx.put('novaContacts', id, contact);
   * tx.refuseBeyond('novaContacts', 1000, () => new Error('at most 1000 contacts'));
   */
  refuseBeyond<C extends keyof D & string>(collection: C, max: number, refusal: () => Error): void {
    this.bounds.push({ kind: 'refuse', collection, max, refusal });
  }

  /** The bounds this transaction asks the store to hold (`keepAtMost`, `refuseBeyond`). */
  readonly bounds: Bound[] = [];
}

/** When a bounded record has expired: its numeric `field` at or before `atOrBeforeMs`. */
export interface Expiry {
  field: string;
  atOrBeforeMs: number;
  /** How many of the owner's oldest records are looked at for expiry (a purge bounded per commit). */
  scan: number;
}

/** A bound a transaction asks the store to hold as it commits. */
export type Bound =
  | { kind: 'keep'; collection: string; owner: string; max: number; expiry: Expiry | undefined }
  | { kind: 'refuse'; collection: string; max: number; refusal: () => Error };
