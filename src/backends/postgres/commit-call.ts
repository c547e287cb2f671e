import type { QueryConfig } from 'pg';
import type { Bound } from '../../core/store/record-store.js';
import { prepared } from './pool.js';

/** An idempotency claim a commit completes: it must still be held, by `claimToken`. */
export interface CompletedClaim {
  collection: string;
  id: string;
  claimToken: string;
}

/** One record to write, in creation order. */
export interface Put {
  collection: string;
  id: string;
  owner: string | null;
  json: string;
}

/** What one commit writes and checks, folded (one final write per record). */
export interface CommitPlan {
  workspace: string;
  deletes: { collection: string; id: string }[];
  puts: Put[];
  bounds: readonly Bound[];
  claims: readonly CompletedClaim[];
  /** The shared state's version the request ran on (`AssumedSharedState`): the commit writes only if it is still the one. */
  sharedVersion?: number;
}

/**
 * The reason `sandbox_check` raises for refusal `index` of `plan.bounds`, and for a lost claim.
 * These three are spelled into migration 10's `sandbox_commit` as it is created: changing one
 * takes a new migration that creates the function again.
 */
export const REFUSED = 'sandbox:refused:';
export const CLAIM_LOST = 'sandbox:claim_lost';
/** The reason `sandbox_check` raises when the shared state moved on from `plan.sharedVersion`. */
export const STATE_MOVED = 'sandbox:state_moved';

const COMMIT = `SELECT sandbox_commit($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)`;

/**
 * A commit as one call of migration 10's `sandbox_commit`, a named prepared statement: one
 * round trip, one transaction (a statement is one), and nothing for PostgreSQL to parse or plan
 * after a connection's first commit. (It was a multi-statement script with its values inlined,
 * which PostgreSQL parsed and planned whole on every commit: 240-300 µs a NorCap create's
 * commit against 140-170 as a prepared statement, measured one client at a time.)
 *
 * The function keeps the script's order: the shared-state guard (`sharedVersion`), the
 * collection locks of the caps (sorted: no deadlock), the completed claims (each must still be
 * held), the deletes, all puts in one insert (a put over an existing record keeps its `seq`),
 * each `keepAtMost` (`sandbox_keep_at_most`) and each `refuseBeyond` check. What needs no
 * counter row comes before the first write that takes one, which holds it to the commit.
 *
 * @example
 * await pool.query(commitCall({ workspace: 'default', deletes: [], puts, bounds: [], claims: [] }));
 */
export function commitCall(plan: CommitPlan): QueryConfig {
  const keeps = plan.bounds.flatMap((bound) => (bound.kind === 'keep' ? [bound] : []));
  const refusals = plan.bounds.flatMap((bound, index) => (bound.kind === 'refuse' ? [{ bound, index }] : []));
  return prepared(COMMIT, [
    plan.workspace,
    plan.sharedVersion ?? null,
    [...new Set(refusals.map(({ bound }) => bound.collection))].sort(),
    plan.claims.map((k) => k.collection),
    plan.claims.map((k) => k.id),
    plan.claims.map((k) => k.claimToken),
    plan.deletes.map((d) => d.collection),
    plan.deletes.map((d) => d.id),
    plan.puts.map((p) => p.collection),
    plan.puts.map((p) => p.id),
    plan.puts.map((p) => p.owner),
    plan.puts.map((p) => p.json),
    keeps.map((k) => k.collection),
    keeps.map((k) => k.owner),
    keeps.map((k) => integer(k.max)),
    keeps.map((k) => k.expiry?.field ?? null),
    keeps.map((k) => (k.expiry ? integer(k.expiry.atOrBeforeMs) : null)),
    keeps.map((k) => integer(k.expiry?.scan ?? 0)),
    refusals.map(({ bound }) => bound.collection),
    refusals.map(({ bound }) => integer(bound.max)),
    refusals.map(({ index }) => index),
  ]);
}

function integer(value: number): number {
  if (!Number.isSafeInteger(value)) throw new Error(`commitCall: ${value} is not a safe integer`);
  return value;
}
