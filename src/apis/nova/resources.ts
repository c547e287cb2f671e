import type { RequestHandler } from 'express';
import type { AppContext } from '../../core/api-module.js';
import type { CursorQuery } from '../../core/pagination.js';
import { callerOf } from './caller.js';
import { listOf } from './envelope.js';
import type { OrganizationIndex } from './organization-index.js';
import { findOwned, type ObjectOf, type OwnedCollection } from './owned.js';
import type { NovaData } from './types.js';

/**
 * `POST /v1/<resources>`: builds one object per item of the (validated) array body and stores
 * them all in one transaction, answering 201 with the list.
 *
 * @example
 * router.post('/v1/contacts', createResources(ctx, index, 'novaContacts', '/v1/contacts', newContact(ctx.ids)));
 */
export function createResources<C extends OwnedCollection, I>(ctx: AppContext<NovaData>, index: OrganizationIndex, collection: C, url: string, build: (item: I) => ObjectOf<C> & { id: string }): RequestHandler {
  return async function createNovaResources(req, res) {
    const { organization } = callerOf(res.locals);
    const created = (req.body as I[]).map(build);
    await ctx.store.commit((tx) => {
      for (const object of created) tx.put(collection, object.id, { organization, object } as unknown as NovaData[C][string]);
      index.added(collection, organization, created.map((object) => object.id));
    });
    res.status(201).json(listOf(created, url, false));
  };
}

/**
 * `GET /v1/<resources>/{param}`: one of the organization's objects.
 *
 * @example
 * router.get('/v1/contacts/:contact_id', retrieveResource(ctx, 'novaContacts', 'contact_id'));
 */
export function retrieveResource(ctx: AppContext<NovaData>, collection: OwnedCollection, param: string): RequestHandler {
  return function retrieveNovaResource(req, res) {
    res.status(200).json(findOwned(ctx.store, collection, String(req.params[param]), callerOf(res.locals).organization, param));
  };
}

/**
 * `GET /v1/<resources>`: the organization's objects, newest first, a cursor page at a time,
 * read through the organization index (no scan of other organizations' records).
 *
 * @example
 * router.get('/v1/contacts', listResources(index, 'novaContacts', '/v1/contacts'));
 */
export function listResources(index: OrganizationIndex, collection: OwnedCollection, url: string): RequestHandler {
  return function listNovaResources(req, res) {
    const page = index.page(collection, callerOf(res.locals).organization, req.query as unknown as CursorQuery);
    res.status(200).json(listOf(page.data, url, page.has_more));
  };
}
