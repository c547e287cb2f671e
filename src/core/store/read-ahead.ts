import type { Request, Response } from 'express';
import type { OperationRef } from '../contract/operations.js';
import type { RecordRef, RecordStore } from './record-store.js';
import type { Collections } from './types.js';

/**
 * The records a request will read, known from its method, path and headers alone (its access
 * token's record, the record its path names): an API declares them (`ApiModule.readAhead`) and,
 * with `--database`, the first step fetches them in the same statement as the shared clock and
 * faults, so a read is one round trip to PostgreSQL, not one per record. The steps after it
 * ask `readRecord`, which answers from what was fetched and asks the store otherwise (always,
 * on the embedded store, which fetches nothing ahead).
 *
 * @example
 * readAhead: (req, op) => (op.operationId === 'getDistribution' ? [{ collection: 'norcapDistributions', id: idOf(req) }] : [])
 */
export type ReadAhead = (req: Request, operation: OperationRef) => RecordRef[];

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

function keyOf(collection: string, id: string): string {
  return `${collection}\u0000${id}`;
}
