import type { OwnerOrder } from './owner-order.js';
import type { Bound, Expiry } from '../../core/store/record-store.js';
import type { StoreOp } from '../../core/store/types.js';

/** What the embedded store knows of its applied state, for resolving bounds. */
export interface AppliedState {
  /** The applied record, or undefined. */
  get(collection: string, id: string): unknown;
  /** Records in a collection (every owner). */
  size(collection: string): number;
  /** One owner's ids in creation order; undefined when it has none. */
  order(collection: string, owner: string): OwnerOrder | undefined;
  /** Who owns a record of an owned collection; undefined for other collections. */
  ownerOf(collection: string): ((record: unknown) => string) | undefined;
}

/** Deleted, in the overlay. */
const GONE = Symbol('deleted');

/**
 * Resolves a transaction's bounds (`keepAtMost`, `refuseBeyond`) against the state as it will
 * be once every commit before it is applied: the applied state plus `pending`, the ops of the
 * commits already built (and so already ordered in the journal) but still being made durable.
 * Reading the applied state alone would let concurrent commits each drop the same old records
 * and keep their own: the leak this exists to prevent.
 *
 * Pushes the deletes a `keepAtMost` needs onto `ops`; throws a `refuseBeyond`'s refusal.
 * The cost is O(pending ops + records dropped + `expiry.scan`), never O(records).
 *
 * @example
 * resolveBounds(state, pendingOps, tx.ops, tx.bounds); // tx.ops now ends with the evictions
 */
export function resolveBounds(state: AppliedState, pending: readonly (readonly StoreOp[])[], ops: StoreOp[], bounds: readonly Bound[]): void {
  // The latest value of every id the pending commits and this one touch, in first-touch order
  // (a delete then a put re-creates: moved to the end, as the applied order would).
  const overlay = new Map<string, { collection: string; id: string; value: unknown }>();
  const touch = (op: StoreOp) => {
    const key = `${op.collection}\u0000${op.id}`;
    if (op.op === 'delete') overlay.set(key, { collection: op.collection, id: op.id, value: GONE });
    else {
      const previous = overlay.get(key);
      if (previous?.value === GONE) overlay.delete(key);
      overlay.set(key, { collection: op.collection, id: op.id, value: op.value });
    }
  };
  for (const commit of pending) for (const op of commit) touch(op);
  for (const op of ops) touch(op);

  for (const bound of bounds) {
    if (bound.kind === 'refuse') {
      let count = state.size(bound.collection);
      for (const entry of overlay.values()) {
        if (entry.collection !== bound.collection) continue;
        count += Number(entry.value !== GONE) - Number(state.get(entry.collection, entry.id) !== undefined);
      }
      if (count > bound.max) throw bound.refusal();
      continue;
    }
    const ownerOf = state.ownerOf(bound.collection);
    if (!ownerOf) throw new Error(`keepAtMost: '${bound.collection}' is not an owned collection`);
    const order = state.order(bound.collection, bound.owner);
    const key = (id: string) => `${bound.collection}\u0000${id}`;
    // Applied ids the overlay takes away from this owner, and the overlay's new ones for it.
    let count = order?.size ?? 0;
    const added: { id: string; value: unknown }[] = [];
    for (const entry of overlay.values()) {
      if (entry.collection !== bound.collection) continue;
      const listed = order?.has(entry.id) ?? false;
      const stays = entry.value !== GONE && ownerOf(entry.value) === bound.owner;
      if (listed && !stays) count--;
      if (!listed && stays) {
        count++;
        added.push({ id: entry.id, value: entry.value });
      }
    }
    const excess = Math.max(0, count - bound.max);
    const look = Math.max(excess, bound.expiry?.scan ?? 0);
    const drop: string[] = [];
    let seen = 0;
    const consider = (id: string, value: unknown) => {
      if (seen < excess || isExpired(value, bound.expiry)) drop.push(id);
      seen++;
    };
    if (order) {
      for (const id of order.walk(undefined, false)) {
        if (seen >= look) break;
        const entry = overlay.get(key(id));
        if (entry && (entry.value === GONE || ownerOf(entry.value) !== bound.owner)) continue;
        consider(id, entry ? entry.value : state.get(bound.collection, id));
      }
    }
    for (const entry of added) {
      if (seen >= look) break;
      consider(entry.id, entry.value);
    }
    for (const id of drop) {
      const op: StoreOp = { op: 'delete', collection: bound.collection, id };
      ops.push(op);
      touch(op);
    }
  }
}

function isExpired(value: unknown, expiry: Expiry | undefined): boolean {
  if (!expiry) return false;
  const at = (value as Record<string, unknown>)[expiry.field];
  return typeof at === 'number' && at <= expiry.atOrBeforeMs;
}
