import type { RequestHandler } from 'express';
import type { AppContext } from '../../core/api-module.js';
import type { Request } from 'express';
import type { OperationRef } from '../../core/contract/operations.js';
import { unknownCursor, type CursorQuery } from '../../core/pagination.js';
import { queryNamesOnly, rawCount, readPage, type PageAhead } from '../../core/store/read-ahead.js';
import type { PageQuery } from '../../core/store/record-store.js';
import { callerOf } from './caller.js';
import { listOf } from './envelope.js';
import { findOwned, type ObjectOf, type OwnedCollection } from './owned.js';
import type { NovaData, Owned } from './types.js';
import { completeKeyedRequest } from '../../core/idempotency/middleware.js';

/**
 * `POST /v1/<resources>`: builds one object per item of the (validated) array body and stores
 * them all in one transaction, answering 201 with the list.
 *
 * @example
 * router.post('/v1/contacts', createResources(ctx, 'novaContacts', '/v1/contacts', newContact(ctx.ids)));
 */
export function createResources<C extends OwnedCollection, I>(ctx: AppContext<NovaData>, collection: C, url: string, build: (item: I) => ObjectOf<C> & { id: string }): RequestHandler {
  return async function createNovaResources(req, res) {
    const { organization } = callerOf(res.locals);
    const created = (req.body as I[]).map(build);
    const body = listOf(created, url, false);
    await ctx.store.commit((tx) => {
      for (const object of created) tx.put(collection, object.id, { organization, object } as unknown as NovaData[C][string]);
      completeKeyedRequest(res, tx, 201, body);
    });
    res.status(201).json(body);
  };
}

/**
 * `GET /v1/<resources>/{param}`: one of the organization's objects.
 *
 * @example
 * router.get('/v1/contacts/:contact_id', retrieveResource(ctx, 'novaContacts', 'contact_id'));
 */
export function retrieveResource(ctx: AppContext<NovaData>, collection: OwnedCollection, param: string): RequestHandler {
  return async function retrieveNovaResource(req, res) {
    res.status(200).json(await findOwned(ctx.store, collection, String(req.params[param]), callerOf(res.locals).organization, param, res));
  };
}

/**
 * `GET /v1/<resources>`: the organization's objects, newest first, a cursor page at a time,
 * read through the store's per-organization order (O(page), whatever else is stored).
 *
 * @example
 * router.get('/v1/contacts', listResources(ctx, 'novaContacts', '/v1/contacts'));
 */
export function listResources(ctx: AppContext<NovaData>, collection: OwnedCollection, url: string): RequestHandler {
  return async function listNovaResources(req, res) {
    const query = req.query as unknown as CursorQuery;
    const page = await readPage(res, ctx.store, collection, callerOf(res.locals).organization, pageQueryOf(query));
    if (!page) unknownCursor(query.starting_after as string);
    const objects = page.items.map((record) => (record as Owned<ObjectOf<typeof collection>>).object);
    res.status(200).json(listOf(objects, url, page.hasMore));
  };
}

/** The store page a list's (validated) query asks for: newest first, after the cursor. */
function pageQueryOf(query: CursorQuery): PageQuery {
  return query.starting_after === undefined ? { newestFirst: true, limit: query.limit } : { newestFirst: true, after: query.starting_after, limit: query.limit };
}

/**
 * With `--database`, the page a list will read, forecast from the raw query (the spec's default
 * `limit` when absent) and the organization it will most likely act on, before authentication
 * and validation (see `ReadAhead`): a forecast the request contradicts costs a round trip.
 */
export function listPageAhead(req: Request, operation: OperationRef, collection: OwnedCollection, owner: string | undefined): PageAhead | undefined {
  const after = (req.query as Record<string, unknown>).starting_after;
  if (owner === undefined || !queryNamesOnly(req, ['limit', 'starting_after']) || (after !== undefined && typeof after !== 'string')) return undefined;
  const pageLimit = rawCount(req, operation, 'limit');
  if (pageLimit === undefined) return undefined;
  return { collection, owner, query: pageQueryOf(after === undefined ? { limit: pageLimit } : { limit: pageLimit, starting_after: after }) };
}
