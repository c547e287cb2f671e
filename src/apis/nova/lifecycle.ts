import type { AppContext, LifecycleHooks } from '../../core/api-module.js';
import { fail } from '../../core/errors.js';
import { toIsoSecondsUtc } from '../../core/time-format.js';
import { DISTRIBUTION_STATUSES, type Distribution, type DistributionStatus, type NovaData, type Owned, type PaymentStatus } from './types.js';

/** Where each status may go; `executed` and `cancelled` are final (documented in the spec). */
export const MOVES: Readonly<Record<DistributionStatus, readonly DistributionStatus[]>> = {
  draft: ['published', 'cancelled'],
  published: ['approved', 'cancelled'],
  approved: ['executed', 'cancelled'],
  executed: [],
  cancelled: [],
};

/** The path `--auto-advance` walks, one step per interval. */
const AUTO_NEXT: Partial<Record<DistributionStatus, Exclude<DistributionStatus, 'draft'>>> = { draft: 'published', published: 'approved', approved: 'executed' };

/** Sandbox seconds between two automatic steps. */
export const AUTO_ADVANCE_INTERVAL_SECONDS = 60;

const STAMP = { published: 'published_at', approved: 'approved_at', executed: 'executed_at', cancelled: 'cancelled_at' } as const;

/** Payments follow their distribution. */
const PAYMENT_STATUS: Record<DistributionStatus, PaymentStatus> = { draft: 'staged', published: 'pending', approved: 'pending', executed: 'paid', cancelled: 'cancelled' };

function isStatus(status: string): status is DistributionStatus {
  return (DISTRIBUTION_STATUSES as readonly string[]).includes(status);
}

/** The distribution after a move at `at`: status, its `*_at` stamp, `updated_at`, the payments' statuses. */
function moved(distribution: Distribution, status: Exclude<DistributionStatus, 'draft'>, at: string): Distribution {
  const next = structuredClone(distribution);
  next.status = status;
  next[STAMP[status]] = at;
  next.updated_at = at;
  for (const payment of next.payments.data) payment.status = PAYMENT_STATUS[status];
  return next;
}

/**
 * How the sandbox control plane moves Nova distributions: draft → published | cancelled,
 * published → approved | cancelled, approved → executed | cancelled.
 *
 * @example
 * await novaLifecycle.move(ctx, 'dst_…', 'published'); // the distribution, status 'published', published_at stamped
 */
export const novaLifecycle: LifecycleHooks<NovaData> = {
  statuses: DISTRIBUTION_STATUSES,

  async move(ctx, id, status) {
    const record = await ctx.store.get('novaDistributions', id);
    if (!record) fail({ kind: 'not_found', status: 404, code: 'resource_missing', field: 'distribution_id', message: `no such distribution: '${id}'` });
    if (!isStatus(status)) fail({ kind: 'validation', status: 400, field: 'status', message: `status must be one of: ${DISTRIBUTION_STATUSES.join(', ')}` });
    const from = record.object.status;
    if (status === 'draft' || !MOVES[from].includes(status)) {
      fail({ kind: 'rule', status: 409, code: 'invalid_status_transition', message: `distribution '${id}' is ${from} and cannot become ${status}` });
    }
    const next = moved(record.object, status, toIsoSecondsUtc(ctx.clock.now()));
    await ctx.store.commit((tx) => tx.put('novaDistributions', id, { ...record, object: next }));
    return next;
  },

  /**
   * Every distribution on the automatic path takes one step per full interval since its last
   * update, each stamped at the instant it fell due, so the result does not depend on how often
   * this runs: a clock jump of three intervals walks a draft all the way to executed.
   */
  async autoAdvance(ctx: AppContext<NovaData>) {
    const nowMs = ctx.clock.nowMs();
    const intervalMs = AUTO_ADVANCE_INTERVAL_SECONDS * 1000;
    const changed: Owned<Distribution>[] = [];
    // O(distributions): runs once per clock move, in the background, never per request.
    for (const record of await ctx.store.scan('novaDistributions')) {
      let distribution = record.object;
      let next = AUTO_NEXT[distribution.status];
      let dueMs = Date.parse(distribution.updated_at) + intervalMs;
      while (next && dueMs <= nowMs) {
        distribution = moved(distribution, next, toIsoSecondsUtc(new Date(dueMs)));
        next = AUTO_NEXT[distribution.status];
        dueMs += intervalMs;
      }
      if (distribution !== record.object) changed.push({ ...record, object: distribution });
    }
    if (changed.length > 0) await ctx.store.commit((tx) => changed.forEach((record) => tx.put('novaDistributions', record.object.id, record)));
  },
};
