import pg from 'pg';
import type { Bound } from '../../core/store/record-store.js';

/** An idempotency claim a commit completes: it must still be held, by `claimToken`. */
export interface CompletedClaim {
  collection: string;
  id: string;
  claimToken: string;
}

/** Lock class of the per-collection lock a capped commit takes (`tx.refuseBeyond`). */
export const COLLECTION_LOCK = 0x46534331; // 'FSC1'

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

/** The reason `sandbox_check` raises for refusal `index` of `plan.bounds`, and for a lost claim. */
export const REFUSED = 'sandbox:refused:';
export const CLAIM_LOST = 'sandbox:claim_lost';
/** The reason `sandbox_check` raises when the shared state moved on from `plan.sharedVersion`. */
export const STATE_MOVED = 'sandbox:state_moved';

/**
 * A commit as one multi-statement script: node-postgres sends a query without parameters in
 * the simple protocol, and PostgreSQL runs the statements of one simple query as one implicit
 * transaction, all or nothing. So a commit is one round trip, where BEGIN, each statement and
 * COMMIT were one each. Values are inlined with `escapeLiteral` (what the extended protocol's
 * parameters did); numbers are checked to be finite integers first.
 *
 * Order: the shared-state guard (`sharedVersion`), the collection locks of the caps (sorted:
 * no deadlock), the completed claims (each must still be held), the deletes, all puts in one
 * `INSERT … SELECT unnest(…)` (a put over an existing record keeps its `seq`), each `keepAtMost`
 * (`sandbox_keep_at_most`, migration 4; the insert's trigger holds the owner's counter row, so
 * the count it reads includes every commit before), and each `refuseBeyond` check. What needs
 * no counter row comes before the first write that takes one, which holds it to the end.
 *
 * @example
 * await pool.query(commitScript({ workspace: 'default', deletes: [], puts, bounds: [], claims: [] }));
 */
export function commitScript(plan: CommitPlan): string {
  const ws = literal(plan.workspace);
  const parts: string[] = [];
  // First: a request that ran on a stale copy of the shared state writes nothing.
  if (plan.sharedVersion !== undefined) {
    parts.push(`SELECT sandbox_check(coalesce((SELECT version FROM sandbox_state WHERE workspace = ${ws} AND key = 'clock'), -1) = ${integer(plan.sharedVersion)}, ${literal(STATE_MOVED)})`);
  }
  const refusals = plan.bounds.map((bound, index) => ({ bound, index })).filter(({ bound }) => bound.kind === 'refuse');
  for (const collection of [...new Set(refusals.map(({ bound }) => bound.collection))].sort()) {
    parts.push(`SELECT pg_advisory_xact_lock(${COLLECTION_LOCK}, hashtext(current_schema() || '/' || ${ws} || '/' || ${literal(collection)}))`);
  }
  // The claims before any write: the insert's trigger holds the owner's counter rows until the
  // commit, and every concurrent commit of that owner waits on them, so the less after it the better.
  if (plan.claims.length > 0) {
    parts.push(`WITH ended AS (
        DELETE FROM idempotency_claims c
        USING unnest(${textArray(plan.claims.map((k) => k.collection))}, ${textArray(plan.claims.map((k) => k.id))}, ${textArray(plan.claims.map((k) => k.claimToken))}) AS k(collection, id, token)
        WHERE c.workspace = ${ws} AND c.collection = k.collection AND c.id = k.id AND c.claim_token = k.token
        RETURNING 1
      )
      SELECT sandbox_check(count(*) = ${plan.claims.length}, ${literal(CLAIM_LOST)}) FROM ended`);
  }
  if (plan.deletes.length > 0) {
    parts.push(`DELETE FROM records r USING unnest(${textArray(plan.deletes.map((d) => d.collection))}, ${textArray(plan.deletes.map((d) => d.id))}) AS d(collection, id)
      WHERE r.workspace = ${ws} AND r.collection = d.collection AND r.id = d.id`);
  }
  if (plan.puts.length > 0) parts.push(insertStatement(ws, plan.puts));
  for (const bound of plan.bounds) {
    if (bound.kind !== 'keep') continue;
    const expiry = bound.expiry;
    const field = expiry ? literal(expiry.field) : 'NULL';
    parts.push(`SELECT sandbox_keep_at_most(${ws}, ${literal(bound.collection)}, ${literal(bound.owner)}, ${integer(bound.max)}, ${field}, ${expiry ? integer(expiry.atOrBeforeMs) : 'NULL'}, ${integer(expiry?.scan ?? 0)})`);
  }
  for (const { bound, index } of refusals) {
    if (bound.kind !== 'refuse') continue;
    parts.push(`SELECT sandbox_check((SELECT coalesce(sum(n), 0) FROM record_counts WHERE workspace = ${ws} AND collection = ${literal(bound.collection)}) <= ${integer(bound.max)}, ${literal(REFUSED + index)})`);
  }
  return parts.join(';\n');
}

/** All puts in one statement; new records take `seq` in the order given, existing ones keep theirs. */
function insertStatement(ws: string, puts: readonly Put[]): string {
  return `INSERT INTO records (workspace, collection, id, owner, value)
    SELECT ${ws}, p.collection, p.id, p.owner, p.value::json
    FROM unnest(${textArray(puts.map((p) => p.collection))}, ${textArray(puts.map((p) => p.id))}, ${textArray(puts.map((p) => p.owner))}, ${textArray(puts.map((p) => p.json))}) WITH ORDINALITY AS p(collection, id, owner, value, n)
    ORDER BY p.n
    ON CONFLICT (workspace, collection, id) DO UPDATE SET owner = EXCLUDED.owner, value = EXCLUDED.value`;
}

function literal(value: string | null): string {
  return value === null ? 'NULL' : pg.escapeLiteral(value);
}

function textArray(values: readonly (string | null)[]): string {
  return `ARRAY[${values.map(literal).join(',')}]::text[]`;
}

function integer(value: number): string {
  if (!Number.isSafeInteger(value)) throw new Error(`commitScript: ${value} is not a safe integer`);
  return String(value);
}
