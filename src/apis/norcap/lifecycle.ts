import type { AppContext, LifecycleHooks } from '../../core/api-module.js';
import { fail } from '../../core/errors.js';
import { toSqlDateTimeUtc } from '../../core/time-format.js';
import { defaultTransactionType } from './bank-rules.js';
import { DISTRIBUTION_STATUSES, type Distribution, type DistributionRecord, type DistributionStatus, type NorcapData } from './types.js';

/**
 * Where each status may go, as `DistributionStatus` in openapi/norcap.yaml documents it (a test
 * reads that description and compares). `completed` and `terminated` are final.
 */
export const TRANSITIONS: Readonly<Record<DistributionStatus, readonly DistributionStatus[]>> = {
  pending: ['processing', 'in_review', 'on_hold', 'rejected', 'terminated'],
  in_review: ['approved', 'rejected', 'on_hold'],
  on_hold: ['in_review', 'processing', 'terminated'],
  approved: ['scheduled', 'processing', 'terminated'],
  scheduled: ['processing', 'terminated'],
  processing: ['completed', 'failed'],
  failed: ['reopened'],
  rejected: ['reopened'],
  reopened: ['pending'],
  completed: [],
  terminated: [],
};

/** `--auto-advance`: one step along this path per interval elapsed since `updatedAt`. */
export const AUTO_ADVANCE_INTERVAL_SECONDS = 60;
const AUTO_NEXT: Partial<Record<DistributionStatus, DistributionStatus>> = { pending: 'processing', processing: 'completed' };

function isStatus(status: string): status is DistributionStatus {
  return (DISTRIBUTION_STATUSES as readonly string[]).includes(status);
}

/** `2023-05-01 14:30:00` (UTC) → epoch milliseconds. */
function parseTimestamp(timestamp: string): number {
  return Date.parse(`${timestamp.replace(' ', 'T')}Z`);
}

/**
 * The distribution after moving to `to` at `at`. Entering `processing` without a transaction
 * type settles it, as NorCap does when processing starts: ach for a US routing number, wire
 * for a BIC; for an `accountId`, the bank of the linked account decides.
 */
async function moved(ctx: AppContext<NorcapData>, distribution: Distribution, to: DistributionStatus, at: Date): Promise<Distribution> {
  let transactionType = distribution.transactionType;
  if (to === 'processing' && transactionType === null) {
    const bankId = distribution.accountId !== null ? ((await ctx.store.get('norcapAccounts', distribution.accountId))?.bankId ?? null) : distribution.bankId;
    transactionType = defaultTransactionType(bankId);
  }
  return { ...distribution, status: to, transactionType, updatedAt: toSqlDateTimeUtc(at) };
}

/**
 * NorCap's lifecycle for the sandbox control plane (`POST /_sandbox/norcap/distributions/{id}/status`
 * and `--auto-advance`).
 *
 * @example
 * await norcapLifecycle.move(ctx, id, 'processing'); // { ...distribution, status: 'processing', transactionType: 'ach', updatedAt: … }
 * await norcapLifecycle.move(ctx, id, 'pending');    // throws ApiFailure 409: processing → completed | failed only
 */
export const norcapLifecycle: LifecycleHooks<NorcapData> = {
  statuses: DISTRIBUTION_STATUSES,

  async move(ctx, id, status) {
    const record = await ctx.store.get('norcapDistributions', id);
    if (!record) fail({ kind: 'not_found', status: 404, message: `distribution '${id}' does not exist` });
    if (!isStatus(status)) fail({ kind: 'validation', status: 400, field: 'status', message: `status must be one of: ${DISTRIBUTION_STATUSES.join(', ')}` });
    const from = record.distribution.status;
    const allowed = TRANSITIONS[from];
    if (!allowed.includes(status)) {
      const options = allowed.length > 0 ? `from '${from}' it can go to: ${allowed.join(', ')}` : `'${from}' is final`;
      fail({ kind: 'rule', status: 409, message: `cannot move distribution from '${from}' to '${status}' (${options})` });
    }
    const distribution = await moved(ctx, record.distribution, status, ctx.clock.now());
    await ctx.store.commit((tx) => tx.put('norcapDistributions', id, { owner: record.owner, distribution }));
    return distribution;
  },

  async autoAdvance(ctx) {
    const now = ctx.clock.nowMs();
    const intervalMs = AUTO_ADVANCE_INTERVAL_SECONDS * 1000;
    const due: DistributionRecord[] = [];
    // O(distributions): runs once per clock move, in the background, never per request.
    for (const record of await ctx.store.scan('norcapDistributions')) {
      let distribution = record.distribution;
      let at = parseTimestamp(distribution.updatedAt);
      // Each step is stamped at the instant it fell due, so a long jump reads like elapsed time.
      for (let next = AUTO_NEXT[distribution.status]; next && at + intervalMs <= now; next = AUTO_NEXT[distribution.status]) {
        at += intervalMs;
        distribution = await moved(ctx, distribution, next, new Date(at));
      }
      if (distribution !== record.distribution) due.push({ owner: record.owner, distribution });
    }
    if (due.length === 0) return;
    await ctx.store.commit((tx) => {
      for (const record of due) tx.put('norcapDistributions', record.distribution.id, record);
    });
  },
};
