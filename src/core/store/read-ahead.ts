import type { Request, Response } from 'express';
import { OperationIndex, type OperationRef } from '../contract/operations.js';
import type { KeyClaim, KeyClaimResult, PageQuery, RecordPage, RecordRef, RecordStore } from './record-store.js';
import type { Collections } from './types.js';

/**
 * What a request will read, known from its method, path, query and headers alone (its access
 * token's record, the record its path names, the page a list asks for): an API declares it
 * (`ApiModule.readAhead`) and, with `--database`, the first step fetches it in the same
 * statement as the shared clock and faults, so a read is one round trip to PostgreSQL, not one
 * per record. The steps after it ask `readRecord` and `readPage`, which answer from what was
 * fetched when it is exactly what they ask for, and ask the store otherwise (always, on the
 * embedded store, which fetches nothing ahead). So a plan is a forecast: one that guessed wrong
 * (a query the validator then refuses, an owner auth then settles otherwise) costs a round
 * trip, never a wrong answer.
 *
 * @example
 * readAhead: (req, op) => (op.operationId === 'getDistribution' ? { records: [{ collection: 'norcapDistributions', id: idOf(req) }] } : {})
 */
export type ReadAhead = (req: Request, operation: OperationRef) => ReadAheadPlan;

export interface ReadAheadPlan {
  records?: RecordRef[];
  /** One page of one owner's records, as `RecordStore.page` would be asked for it. */
  page?: PageAhead;
  /** An idempotency key to claim in the same statement (see `KeyClaimAhead`). */
  claim?: KeyClaimAhead;
}

/**
 * An idempotency claim taken with the shared state, before authentication, from a forecast of
 * the key's scope (a keyed create is then 2 round trips: this one and its commit). The
 * idempotency step adopts it when the scope and fingerprint it settles are these, and releases
 * it otherwise; an answer given before that step (a fault, 401, a body error) releases it too
 * (`holdClaimAhead`). The sandbox clock's now for the claim is the shared clock's, read in the
 * same statement, so it has no `nowMs`.
 */
export interface KeyClaimAhead {
  collection: string;
  id: string;
  claim: Omit<KeyClaim, 'nowMs' | 'alsoRead'>;
}

export interface PageAhead {
  collection: string;
  owner: string;
  query: PageQuery;
}

/** What the shared state's read found for a plan: each record (undefined for none) in order, and the page (undefined: unknown cursor). */
export interface ReadAheadFound {
  records: unknown[];
  page?: RecordPage<unknown> | undefined;
  /** The claim's outcome; undefined when the claim it met changed hands meanwhile (the step claims again). */
  claim?: KeyClaimResult | undefined;
}

/** A page fetched ahead, kept on the request beside what it was asked as. */
export interface FetchedPage {
  ahead: PageAhead;
  found: RecordPage<unknown> | undefined;
}

/** What was fetched ahead for one request: `collection\0id` → the record, or null for none. */
export type ReadAheadRecords = Map<string, unknown>;

/** Pairs the refs with what the shared state's read found for each (in the same order). */
export function readAheadRecords(refs: readonly RecordRef[], found: readonly unknown[]): ReadAheadRecords {
  return new Map(refs.map((ref, n) => [keyOf(ref.collection, ref.id), found[n] ?? null]));
}

/**
 * The record as the request's read-ahead found it, else as the store has it now. A request a
 * latency fault held back reads again: what was fetched is as old as the delay.
 *
 * @example
 * const record = await readRecord(res, ctx.store, 'norcapDistributions', id);
 */
export async function readRecord<D extends Collections, C extends keyof D & string>(res: Response, store: RecordStore<D>, collection: C, id: string): Promise<D[C][string] | undefined> {
  const state = res.locals.request;
  const fetched = state.readAhead?.get(keyOf(collection, id));
  if (fetched !== undefined && !(state.fault && state.fault.latency_ms > 0)) return (fetched ?? undefined) as D[C][string] | undefined;
  return store.get(collection, id);
}

/**
 * The page as the request's read-ahead found it when the read-ahead asked for exactly this one
 * (collection, owner and query), else as the store has it now. A latency fault reads again.
 *
 * @example
 * const page = await readPage(res, ctx.store, 'novaContacts', organization, { newestFirst: true, limit: 10 });
 */
export async function readPage<D extends Collections, C extends keyof D & string>(
  res: Response,
  store: RecordStore<D>,
  collection: C,
  owner: string,
  query: PageQuery,
): Promise<RecordPage<D[C][string]> | undefined> {
  const state = res.locals.request;
  const fetched = state.pageAhead;
  if (fetched && !(state.fault && state.fault.latency_ms > 0) && samePage(fetched.ahead, collection, owner, query)) {
    state.pageAhead = undefined; // once: a handler reading the same page again after a write must see the write
    return fetched.found as RecordPage<D[C][string]> | undefined;
  }
  return store.page(collection, owner, query);
}

function samePage(ahead: PageAhead, collection: string, owner: string, query: PageQuery): boolean {
  const asked = ahead.query;
  return (
    ahead.collection === collection &&
    ahead.owner === owner &&
    asked.limit === query.limit &&
    asked.newestFirst === query.newestFirst &&
    asked.after === query.after &&
    (asked.offset ?? 0) === (query.offset ?? 0) &&
    Boolean(asked.withTotal) === Boolean(query.withTotal)
  );
}

/**
 * Whether the raw query (before validation) names no parameter but `names`: a forecast reads
 * only the plain pages, and a query with anything more (a filter) is read otherwise.
 *
 * @example
 * queryNamesOnly(req, ['limit', 'starting_after']); // ?limit=5 → true, ?limit=5&filter[x]=1 → false
 */
export function queryNamesOnly(req: Request, names: readonly string[]): boolean {
  return Object.keys(req.query as object).every((name) => names.includes(name));
}

/**
 * A count parameter of the raw query (a string, before validation) as the non-negative integer
 * the validator will make of it, the spec's `default` when absent; undefined when it is anything
 * else (the plan then leaves the page out: the validator will refuse the request or read it
 * otherwise).
 *
 * @example
 * rawCount(req, operation, 'limit'); // ?limit=25 → 25, no limit → 10 (the spec's default), ?limit=2x → undefined
 */
export function rawCount(req: Request, operation: OperationRef, name: string): number | undefined {
  const value = (req.query as Record<string, unknown>)[name];
  if (value === undefined) {
    const fallback = OperationIndex.for(operation.api).queryDefault(operation, name);
    return typeof fallback === 'number' ? fallback : undefined;
  }
  return typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : undefined;
}

/**
 * The records of `refs`, in order: those the request's read-ahead found (see `readRecord`), the
 * rest in one `getMany`, so a batch whose references came ahead reads nothing more.
 *
 * @example
 * const [vehicle, entity] = await readRecords(res, ctx.store, [{ collection: 'novaVehicles', id: v }, { collection: 'novaEntities', id: e }]);
 */
export async function readRecords<D extends Collections, C extends keyof D & string>(res: Response, store: RecordStore<D>, refs: readonly RecordRef<C>[]): Promise<(D[C][string] | undefined)[]> {
  const state = res.locals.request;
  const fetched = state.fault && state.fault.latency_ms > 0 ? undefined : state.readAhead;
  const found: (D[C][string] | undefined)[] = refs.map((ref) => (fetched?.get(keyOf(ref.collection, ref.id)) ?? undefined) as D[C][string] | undefined);
  const missing = refs.flatMap((ref, n) => (fetched?.get(keyOf(ref.collection, ref.id)) === undefined ? [n] : []));
  if (missing.length === 0) return found;
  const read = await store.getMany(missing.map((n) => refs[n] as RecordRef<C>));
  missing.forEach((n, i) => (found[n] = read[i]));
  return found;
}

/** Adds records fetched later on the way (with an idempotency claim, say) to what the request has read ahead. */
export function addReadAhead(res: Response, refs: readonly RecordRef[], found: readonly unknown[]): void {
  const state = res.locals.request;
  const records = (state.readAhead ??= new Map());
  refs.forEach((ref, n) => records.set(keyOf(ref.collection, ref.id), found[n] ?? null));
}

function keyOf(collection: string, id: string): string {
  return `${collection}\u0000${id}`;
}
