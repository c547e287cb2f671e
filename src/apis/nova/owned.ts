import { fail } from '../../core/errors.js';
import type { Response } from 'express';
import { readRecord, readRecords } from '../../core/store/read-ahead.js';
import type { RecordStore } from '../../core/store/record-store.js';
import type { NovaData, Owned } from './types.js';

/** The collections whose records are `Owned<…>` public objects. */
export type OwnedCollection = 'novaVehicles' | 'novaEntities' | 'novaContacts' | 'novaDistributions';
export type ObjectOf<C extends OwnedCollection> = NovaData[C][string] extends Owned<infer T> ? T : never;

const NOUNS: Record<OwnedCollection, string> = {
  novaVehicles: 'vehicle',
  novaEntities: 'entity',
  novaContacts: 'contact',
  novaDistributions: 'distribution',
};

/**
 * The organization's object with this id. Another organization's id is answered exactly like
 * one that does not exist: 404 `resource_missing`, naming the input it came from. Given the
 * request's `res`, a record fetched ahead with the shared state is used (`readRecord`).
 *
 * @example
 * await findOwned(store, 'novaEntities', 'ent_H0hdMOc5E5QMTEcGVZKegvLNCB6p', 'org_Xk7d2pQR9m3nBwYz', 'entity_id').name; // 'Jane Investor'
 */
export async function findOwned<C extends OwnedCollection>(store: RecordStore<NovaData>, collection: C, id: string, organization: string, field: string, res?: Response): Promise<ObjectOf<C>> {
  const record = res ? await readRecord(res, store, collection, id) : await store.get(collection, id);
  return ownedObject(record, collection, id, organization, field);
}

/**
 * Every record `refs` names, read in one `getMany` (one statement on PostgreSQL; none for those
 * the request read ahead, see `readRecords`), for a batch
 * that then resolves its references one by one with `ownedObject`, in the order it names them.
 *
 * @example
 * const found = await readOwned(res, store, [{ collection: 'novaVehicles', id }]);
 * ownedObject(found.get('novaVehicles', id), 'novaVehicles', id, organization, '[0].vehicle');
 */
export async function readOwned(res: Response, store: RecordStore<NovaData>, refs: readonly { collection: OwnedCollection; id: string }[]): Promise<{ get(collection: OwnedCollection, id: string): unknown }> {
  const found = await readRecords(res, store, refs);
  const byKey = new Map(refs.map((ref, n) => [`${ref.collection}\u0000${ref.id}`, found[n]]));
  return { get: (collection, id) => byKey.get(`${collection}\u0000${id}`) };
}

/** The object of a record read for `organization`, or the 404 `findOwned` answers. */
export function ownedObject<C extends OwnedCollection>(record: unknown, collection: C, id: string, organization: string, field: string): ObjectOf<C> {
  const owned = record as Owned<ObjectOf<C>> | undefined;
  if (!owned || owned.organization !== organization) {
    fail({ kind: 'not_found', status: 404, code: 'resource_missing', field, message: `no such ${NOUNS[collection]}: '${id}'` });
  }
  return owned.object;
}
