import type { RequestHandler } from 'express';
import type { AppContext } from '../../core/api-module.js';
import { fail } from '../../core/errors.js';
import { queryNamesOnly, rawCount, readPage, readRecord, type PageAhead } from '../../core/store/read-ahead.js';
import type { PageQuery } from '../../core/store/record-store.js';
import type { OperationRef } from '../../core/contract/operations.js';
import type { Request, Response } from 'express';
import { bearerCredentialOf, credentialOf } from './auth.js';
import { ok } from './envelope.js';
import type { operations } from './openapi.gen.js';
import type { Distribution, DistributionRecord, NorcapData } from './types.js';

type SortField = 'createdAt' | 'updatedAt' | 'amountCents' | 'status' | 'brokerageAccountId';

/** The list query, filters gathered under `filter` (see `listQuery`). */
interface ListQuery {
  limit: number;
  offset: number;
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
  // The validator fills in the spec's defaults (`limit` 10, `offset` 0): they are the spec's alone.
  const { limit, offset, sort } = query as ListParameters & Pick<ListQuery, 'limit' | 'offset'>;
  const min = query['filter[amountCents][min]'];
  const max = query['filter[amountCents][max]'];
  // Only the filters the request names: an empty `filter` is what lets a list use the index.
  const filter: NonNullable<ListQuery['filter']> = {};
  if (query['filter[brokerageAccountId]'] !== undefined) filter.brokerageAccountId = query['filter[brokerageAccountId]'];
  if (query['filter[status]'] !== undefined) filter.status = query['filter[status]'];
  if (query['filter[submissionId]'] !== undefined) filter.submissionId = query['filter[submissionId]'];
  if (min !== undefined || max !== undefined) filter.amountCents = { min, max };
  return { limit, offset, sort, filter };
}

/**
 * `GET /v3/custody/distributions`: the credential's distributions, filtered, sorted and paged
 * with NorCap's list conventions (`limit`/`offset`, `sort=field:dir`, `filter[...]`).
 *
 * Cost: without a filter, in creation order or sorted by `createdAt`, a page reads O(offset +
 * limit) records through the credential's creation-order index and the total is a count.
 * A filter, or a sort on any other field, reads every one of the credential's distributions
 * (O(records of that credential)), as the spec's description of the list says.
 */
export function listDistributions(ctx: AppContext<NorcapData>): RequestHandler {
  return async function listNorcapDistributions(req, res) {
    const owner = credentialOf(res.locals).clientId;
    const { limit, offset, sort, filter = {} } = listQuery(req.query as ListParameters);
    const [field, direction] = (sort?.split(':') ?? []) as [SortField | undefined, string | undefined];
    const first = Object.keys(filter).length === 0 ? firstPageQuery(limit, offset, sort) : undefined;
    let page: Distribution[];
    let total: number;
    if (first) {
      ({ page, total } = first.newestFirst ? await newestFirst(ctx, res, owner, offset, limit, first) : await oldestFirst(ctx, res, owner, first));
    } else {
      const matches = filtered(await ctx.store.scan('norcapDistributions', owner), filter);
      if (field) {
        const sign = direction === 'desc' ? -1 : 1;
        // Array.prototype.sort is stable, so equal keys keep creation order.
        matches.sort((a, b) => (a[field] < b[field] ? -sign : a[field] > b[field] ? sign : 0));
      }
      total = matches.length;
      page = matches.slice(offset, offset + limit);
    }
    res.status(200).json(
      ok({
        custody_distributions: page,
        pagination: { totalRecords: total, startIndex: offset, endIndex: offset + page.length },
      }),
    );
  };
}

function filtered(records: readonly DistributionRecord[], filter: NonNullable<ListQuery['filter']>): Distribution[] {
  const brokerage = filter.brokerageAccountId && new Set(filter.brokerageAccountId);
  const statuses = filter.status && new Set(filter.status);
  const min = filter.amountCents?.min ?? -Infinity;
  const max = filter.amountCents?.max ?? Infinity;
  const matches: Distribution[] = [];
  for (const { distribution: d } of records) {
    if (brokerage && !brokerage.has(d.brokerageAccountId)) continue;
    if (statuses && !statuses.has(d.status)) continue;
    if (filter.submissionId !== undefined && d.submissionId !== filter.submissionId) continue;
    if (d.amountCents < min || d.amountCents > max) continue;
    matches.push(d);
  }
  return matches;
}

/** A page of the credential's distributions and how many it has in all (read together). */
interface ListPage {
  page: Distribution[];
  total: number;
}

/**
 * The store page an unfiltered list sorted by creation reads first, or undefined when the list
 * scans (a sort on another field). The handler and the read-ahead (`listReadAhead`) both ask it,
 * so what is fetched ahead is the page the handler reads.
 */
function firstPageQuery(limit: number, offset: number, sort: string | undefined): PageQuery | undefined {
  const [field, direction] = sort?.split(':') ?? [];
  if (field !== undefined && field !== 'createdAt') return undefined;
  // Newest first reads whole runs of one second (see newestFirst), at least 50 records at a time.
  return direction === 'desc' ? { newestFirst: true, limit: Math.max(offset + limit, 50), withTotal: true } : { newestFirst: false, offset, limit, withTotal: true };
}

/**
 * With `--database`, the first page an unfiltered list will read, forecast from the raw query
 * and the credential's client id (its owner) before authentication and validation (see
 * `ReadAhead`): a forecast the request then contradicts costs a round trip, never an answer.
 */
export function listReadAhead(req: Request, operation: OperationRef): PageAhead | undefined {
  const sent = bearerCredentialOf(req.get('authorization'));
  const sort = (req.query as Record<string, unknown>).sort;
  if (!sent || !queryNamesOnly(req, ['limit', 'offset', 'sort']) || (sort !== undefined && typeof sort !== 'string')) return undefined;
  const pageLimit = rawCount(req, operation, 'limit');
  const pageOffset = rawCount(req, operation, 'offset');
  if (pageLimit === undefined || pageOffset === undefined) return undefined;
  const query = firstPageQuery(pageLimit, pageOffset, sort);
  return query && { collection: 'norcapDistributions', owner: sent.clientId, query };
}

async function oldestFirst(ctx: AppContext<NorcapData>, res: Response, owner: string, query: PageQuery): Promise<ListPage> {
  const found = await readPage(res, ctx.store, 'norcapDistributions', owner, query);
  return { page: (found?.items ?? []).map((record) => record.distribution), total: found?.total ?? 0 };
}

/**
 * `sort=createdAt:desc` read from the newest end of the index. A stable sort keeps records of
 * one second in creation order, so each run of equal `createdAt` is read whole and turned
 * around: O(offset + limit + the run at the page's edge), which is O(page) on a running clock.
 */
async function newestFirst(ctx: AppContext<NorcapData>, res: Response, owner: string, offset: number, limit: number, first: PageQuery): Promise<ListPage> {
  const want = offset + limit;
  const ordered: Distribution[] = [];
  let run: Distribution[] = [];
  let after: string | undefined;
  let total = 0;
  for (;;) {
    const page = after === undefined ? await readPage(res, ctx.store, 'norcapDistributions', owner, first) : await ctx.store.page('norcapDistributions', owner, { newestFirst: true, after, limit: first.limit });
    if (after === undefined) total = page?.total ?? 0;
    const items = page?.items ?? [];
    for (const { distribution } of items) {
      if (run.length > 0 && (run[0] as Distribution).createdAt !== distribution.createdAt) {
        for (let i = run.length - 1; i >= 0; i--) ordered.push(run[i] as Distribution);
        run = [];
        if (ordered.length >= want) return { page: ordered.slice(offset, want), total };
      }
      run.push(distribution);
    }
    if (!page?.hasMore || items.length === 0) break;
    after = (items[items.length - 1] as DistributionRecord).distribution.id;
  }
  for (let i = run.length - 1; i >= 0; i--) ordered.push(run[i] as Distribution);
  return { page: ordered.slice(offset, want), total };
}

/** `GET /v3/custody/distributions/{distributionId}` (sandbox addition). */
export function getDistribution(ctx: AppContext<NorcapData>): RequestHandler {
  return async function getNorcapDistribution(req, res) {
    const id = String(req.params.distributionId);
    const record = await readRecord(res, ctx.store, 'norcapDistributions', id);
    if (!record || record.owner !== credentialOf(res.locals).clientId) {
      fail({ kind: 'not_found', status: 404, message: `distribution '${id}' does not exist`, field: 'distributionId' });
    }
    res.status(200).json(ok({ distribution: record.distribution }));
  };
}
