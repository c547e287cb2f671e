import type { RequestHandler } from 'express';
import type { AppContext } from '../../core/api-module.js';
import { fail } from '../../core/errors.js';
import { credentialOf } from './auth.js';
import { ok } from './envelope.js';
import type { operations } from './openapi.gen.js';
import type { Distribution, NorcapData } from './types.js';

type SortField = 'createdAt' | 'updatedAt' | 'amountCents' | 'status' | 'brokerageAccountId';

/** The list query, filters gathered under `filter` (see `listQuery`). */
interface ListQuery {
  limit?: number;
  offset?: number;
  sort?: string;
  filter?: {
    brokerageAccountId?: string[];
    status?: string[];
    submissionId?: string;
    amountCents?: { min?: number; max?: number };
  };
}

/** The query as the validator leaves it: one key per spec parameter, checked and coerced. */
type ListParameters = NonNullable<operations['listDistributions']['parameters']['query']>;

/** The spec's flat, bracket-named filter parameters (`filter[status]`) as one `filter` object. */
function listQuery(query: ListParameters): ListQuery {
  const { limit, offset, sort } = query;
  const min = query['filter[amountCents][min]'];
  const max = query['filter[amountCents][max]'];
  return {
    limit,
    offset,
    sort,
    filter: {
      brokerageAccountId: query['filter[brokerageAccountId]'],
      status: query['filter[status]'],
      submissionId: query['filter[submissionId]'],
      amountCents: { min, max },
    },
  };
}

/**
 * `GET /v3/custody/distributions`: the credential's distributions, filtered, sorted and paged
 * with NorCap's list conventions (`limit`/`offset`, `sort=field:dir`, `filter[...]`).
 */
export function listDistributions(ctx: AppContext<NorcapData>): RequestHandler {
  return function listNorcapDistributions(req, res) {
    const owner = credentialOf(res.locals).clientId;
    const { limit = 10, offset = 0, sort, filter = {} } = listQuery(req.query as ListParameters);
    const brokerage = filter.brokerageAccountId && new Set(filter.brokerageAccountId);
    const statuses = filter.status && new Set(filter.status);
    const min = filter.amountCents?.min ?? -Infinity;
    const max = filter.amountCents?.max ?? Infinity;

    const matches: Distribution[] = [];
    for (const record of ctx.store.all('norcapDistributions')) {
      const d = record.distribution;
      if (record.owner !== owner) continue;
      if (brokerage && !brokerage.has(d.brokerageAccountId)) continue;
      if (statuses && !statuses.has(d.status)) continue;
      if (filter.submissionId !== undefined && d.submissionId !== filter.submissionId) continue;
      if (d.amountCents < min || d.amountCents > max) continue;
      matches.push(d);
    }
    if (sort) {
      const [field, direction] = sort.split(':') as [SortField, string | undefined];
      const sign = direction === 'desc' ? -1 : 1;
      // Array.prototype.sort is stable, so equal keys keep creation order.
      matches.sort((a, b) => (a[field] < b[field] ? -sign : a[field] > b[field] ? sign : 0));
    }
    const page = matches.slice(offset, offset + limit);
    res.status(200).json(
      ok({
        custody_distributions: page,
        pagination: { totalRecords: matches.length, startIndex: offset, endIndex: offset + page.length },
      }),
    );
  };
}

/** `GET /v3/custody/distributions/{distributionId}` (sandbox addition). */
export function getDistribution(ctx: AppContext<NorcapData>): RequestHandler {
  return function getNorcapDistribution(req, res) {
    const id = String(req.params.distributionId);
    const record = ctx.store.get('norcapDistributions', id);
    if (!record || record.owner !== credentialOf(res.locals).clientId) {
      fail({ kind: 'not_found', status: 404, message: `distribution '${id}' does not exist`, field: 'distributionId' });
    }
    res.status(200).json(ok({ distribution: record.distribution }));
  };
}
