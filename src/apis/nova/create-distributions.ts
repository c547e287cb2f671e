import type { RequestHandler } from 'express';
import type { AppContext } from '../../core/api-module.js';
import { fail } from '../../core/errors.js';
import { completeKeyedRequest } from '../../core/idempotency/middleware.js';
import { toIsoSecondsUtc } from '../../core/time-format.js';
import { callerOf } from './caller.js';
import { embeddedList, listOf } from './envelope.js';
import { ownedObject, readOwned } from './owned.js';
import type { Distribution, DistributionPayment, NewDistribution, NewPayment, NovaData } from './types.js';

/** Placeholder dashboard links: `.example` never resolves (RFC 2606). */
const DASHBOARD_URL = 'https://dashboard.sandbox.nova.example';

// The spec checks the shape `^[A-Z]{3}$`; whether such a code exists is ICU's list of ISO 4217.
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/**
 * `POST /v1/distributions`. The validator has checked the shape; this resolves every
 * reference (vehicle, entities, contacts) in the caller's organization, item by item. Only when
 * all of them resolve is anything built, and the batch is stored in one transaction: one bad
 * reference anywhere and nothing is created.
 *
 * @example
 * router.post('/v1/distributions', createDistributions(ctx));
 */
export function createDistributions(ctx: AppContext<NovaData>): RequestHandler {
  return async function createNovaDistributions(req, res) {
    const { organization } = callerOf(res.locals);
    const items = req.body as NewDistribution[];
    // Every referenced record in one read; then one item after another, so the first problem
    // named is the first in the batch.
    const found = await readOwned(res, ctx.store, distributionReferences(items));
    const resolved = items.map((item, i) => resolveItem(found, organization, item, `[${i}]`));
    const now = toIsoSecondsUtc(ctx.clock.now());
    const distributions = items.map((item, i) => buildDistribution(ctx, item, resolved[i] as ResolvedItem, now));
    const body = listOf(distributions, '/v1/distributions', false);
    await ctx.store.commit((tx) => {
      for (const distribution of distributions) {
        tx.put('novaDistributions', distribution.id, { organization, object: distribution });
        for (const payment of distribution.payments.data) tx.put('novaPayments', payment.id, { organization, distribution: distribution.id });
      }
      completeKeyedRequest(res, tx, 201, body);
    });
    res.status(201).json(body);
  };
}

/** The most references a body read before validation is looked ahead for (see `distributionReferences`). */
const MAX_REFERENCES_AHEAD = 1000;

/**
 * The records a `POST /v1/distributions` body names, in the order the handler resolves them:
 * each item's vehicle, then each payment's entity and notified contacts. The handler reads them
 * from its validated body; the idempotency claim (`IdempotencyOptions.readAhead`) from the body
 * as parsed, before validation, so anything that is not that shape adds nothing and a body
 * naming more than `MAX_REFERENCES_AHEAD` is not looked ahead at all.
 *
 * @example
 * distributionReferences([{ vehicle: 'veh_1', payments: [{ entity: 'ent_1' }] }]); // [{ collection: 'novaVehicles', id: 'veh_1' }, { collection: 'novaEntities', id: 'ent_1' }]
 */
export function distributionReferences(body: unknown): { collection: 'novaVehicles' | 'novaEntities' | 'novaContacts'; id: string }[] {
  const refs: { collection: 'novaVehicles' | 'novaEntities' | 'novaContacts'; id: string }[] = [];
  const field = (value: unknown, name: string): unknown => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined);
  const listed = (value: unknown, name: string): unknown[] => {
    const list = field(value, name);
    return Array.isArray(list) ? list : [];
  };
  /** Adds the reference when `id` is a string; false once there are more than the bound. */
  const add = (collection: 'novaVehicles' | 'novaEntities' | 'novaContacts', id: unknown): boolean => {
    if (typeof id === 'string') refs.push({ collection, id });
    return refs.length <= MAX_REFERENCES_AHEAD;
  };
  for (const item of Array.isArray(body) ? body : []) {
    if (!add('novaVehicles', field(item, 'vehicle'))) return [];
    for (const payment of listed(item, 'payments')) {
      if (!add('novaEntities', field(payment, 'entity'))) return [];
      for (const notification of listed(payment, 'notifications')) if (!add('novaContacts', field(notification, 'contact'))) return [];
    }
  }
  return refs;
}

/** What an item's references and dates resolve to, once every check passed. */
interface ResolvedItem {
  distributionDate: string;
  payments: { instruction: string; override: string | null }[];
}

/** Throws the first problem of the item the spec cannot catch, in field order. */
function resolveItem(found: Awaited<ReturnType<typeof readOwned>>, organization: string, item: NewDistribution, at: string): ResolvedItem {
  const distributionDate = utcSeconds(item.distribution_date, `${at}.distribution_date`);
  ownedObject(found.get('novaVehicles', item.vehicle), 'novaVehicles', item.vehicle, organization, `${at}.vehicle`);
  const payments: ResolvedItem['payments'] = [];
  for (const [j, payment] of item.payments.entries()) {
    const path = `${at}.payments[${j}]`;
    if (!CURRENCIES.has(payment.currency)) {
      fail({ kind: 'validation', status: 400, field: `${path}.currency`, message: `${path}.currency '${payment.currency}' is not an ISO 4217 currency code` });
    }
    const entity = ownedObject(found.get('novaEntities', payment.entity), 'novaEntities', payment.entity, organization, `${path}.entity`);
    for (const [k, n] of (payment.notifications ?? []).entries()) ownedObject(found.get('novaContacts', n.contact), 'novaContacts', n.contact, organization, `${path}.notifications[${k}].contact`);
    const override = payment.distribution_date_override;
    payments.push({
      instruction: entity.payment_instructions[0] as string,
      override: override == null ? null : utcSeconds(override, `${path}.distribution_date_override`),
    });
  }
  return { distributionDate, payments };
}

function buildDistribution(ctx: AppContext<NovaData>, item: NewDistribution, resolved: ResolvedItem, now: string): Distribution {
  const id = ctx.ids.prefixed('dst');
  const shortId = ctx.ids.short();
  return {
    object: 'distribution',
    livemode: false,
    id,
    name: item.name,
    distribution_date: resolved.distributionDate,
    vehicle: item.vehicle,
    external_reference: item.external_reference ?? null,
    short_id: shortId,
    status: 'draft',
    published_at: null,
    approved_at: null,
    executed_at: null,
    cancelled_at: null,
    created_at: now,
    updated_at: now,
    sender_url: `${DASHBOARD_URL}/distributions/${id}`,
    recipient_url: `${DASHBOARD_URL}/d/${shortId}`,
    payments: embeddedList(
      item.payments.map((payment, j) => buildPayment(ctx, payment, resolved.payments[j] as ResolvedItem['payments'][number])),
      `/v1/distributions/${id}/payments`,
    ),
  };
}

function buildPayment(ctx: AppContext<NovaData>, payment: NewPayment, resolved: ResolvedItem['payments'][number]): DistributionPayment {
  const id = ctx.ids.prefixed('dpmt');
  return {
    object: 'distribution_payment',
    livemode: false,
    id,
    amount: payment.amount,
    currency: payment.currency,
    status: 'staged',
    recipient_confirmed_at: null,
    verified_at: null,
    entity: payment.entity,
    payment_instructions: resolved.instruction,
    distribution_date_override: resolved.override,
    notifications: embeddedList(
      (payment.notifications ?? []).map((n) => ({ object: 'distribution_notification' as const, livemode: false as const, id: ctx.ids.prefixed('dntf'), contact: n.contact })),
      `/v1/distribution_payments/${id}/notifications`,
    ),
  };
}

/** An RFC 3339 date-time as Nova answers dates: UTC, to the second. */
function utcSeconds(value: string, field: string): string {
  const date = new Date(value);
  // The format check lets through what Date cannot hold, such as a leap second.
  if (Number.isNaN(date.getTime())) fail({ kind: 'validation', status: 400, field, message: `${field} is not a date-time this server can represent` });
  // An offset can carry a date at the edge of the four-digit years past it (`9999-12-31T23:00:00-02:00`
  // is in the year 10000 in UTC), where the answer's `YYYY-MM-DDThh:mm:ssZ` cannot say it.
  const year = date.getUTCFullYear();
  if (year < 0 || year > 9999) fail({ kind: 'validation', status: 400, field, message: `${field} falls outside the years 0000 to 9999 once in UTC` });
  return toIsoSecondsUtc(date);
}
