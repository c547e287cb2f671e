import type { RequestHandler } from 'express';
import type { AppContext } from '../../core/api-module.js';
import { fail } from '../../core/errors.js';
import { cursorPage, type CursorQuery } from '../../core/pagination.js';
import { callerOf } from './caller.js';
import { listOf } from './envelope.js';
import { findOwned } from './owned.js';
import type { NovaData } from './types.js';

/**
 * `GET /v1/distributions/{distribution_id}/payments`: in submitted order, a cursor page at a time.
 *
 * @example
 * router.get('/v1/distributions/:distribution_id/payments', listDistributionPayments(ctx));
 */
export function listDistributionPayments(ctx: AppContext<NovaData>): RequestHandler {
  return async function listNovaDistributionPayments(req, res) {
    const distribution = await findOwned(ctx.store, 'novaDistributions', String(req.params.distribution_id), callerOf(res.locals).organization, 'distribution_id');
    const page = cursorPage(distribution.payments.data, (p) => p.id, req.query as unknown as CursorQuery);
    res.status(200).json(listOf(page.data, distribution.payments.url, page.has_more));
  };
}

/**
 * `GET /v1/distribution_payments/{payment_id}/notifications`: found through the payment index in one lookup.
 *
 * @example
 * router.get('/v1/distribution_payments/:payment_id/notifications', listPaymentNotifications(ctx));
 */
export function listPaymentNotifications(ctx: AppContext<NovaData>): RequestHandler {
  return async function listNovaPaymentNotifications(req, res) {
    const { organization } = callerOf(res.locals);
    const id = String(req.params.payment_id);
    const entry = await ctx.store.get('novaPayments', id);
    const distribution = entry && entry.organization === organization ? (await ctx.store.get('novaDistributions', entry.distribution))?.object : undefined;
    const payment = distribution?.payments.data.find((p) => p.id === id);
    if (!payment) fail({ kind: 'not_found', status: 404, code: 'resource_missing', field: 'payment_id', message: `no such distribution payment: '${id}'` });
    const page = cursorPage(payment.notifications.data, (n) => n.id, req.query as unknown as CursorQuery);
    res.status(200).json(listOf(page.data, payment.notifications.url, page.has_more));
  };
}
