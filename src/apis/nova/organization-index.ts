import { unknownCursor, type CursorPage, type CursorQuery } from '../../core/pagination.js';
import type { Store } from '../../core/store/store.js';
import type { ObjectOf, OwnedCollection } from './owned.js';
import type { NovaData, Owned } from './types.js';

/** One organization's ids in a collection, in the order they were stored, and where each sits. */
interface OrganizationIds {
  ids: string[];
  at: Map<string, number>;
}

/** An index built over one collection object of the store. */
interface BuiltIndex {
  records: object;
  byOrganization: Map<string, OrganizationIds>;
}

/**
 * Which ids of an owned collection belong to which organization, so that a list reads a page of
 * the caller's records instead of scanning every organization's (at 20,000 distributions the
 * scan cost ~8 ms a request). It is a cache of the store, never a record of its own:
 * - built by one scan whenever the collection object is one it has not seen (first use, a reset,
 *   a state loaded from `--data`);
 * - extended by `added`, which a create calls inside its commit, in the same synchronous step as
 *   the store applies the records, so both keep the same order;
 * - checked against the store on every read: an id the store no longer holds for the
 *   organization (a commit rolled back after it was indexed) is skipped, never answered.
 *
 * @example
 * const index = new OrganizationIndex(store);
 * await store.commit((tx) => { tx.put('novaContacts', c.id, { organization, object: c }); index.added('novaContacts', organization, [c.id]); });
 * index.page('novaContacts', organization, { limit: 10 }).data[0]?.id; // c.id
 */
export class OrganizationIndex {
  private readonly built = new Map<OwnedCollection, BuiltIndex>();

  constructor(private readonly store: Store<NovaData>) {}

  /** Notes ids just put into `collection` for `organization`; call it inside the commit that puts them. */
  added(collection: OwnedCollection, organization: string, ids: readonly string[]): void {
    const entry = this.ofOrganization(this.current(collection), organization);
    for (const id of ids) {
      if (entry.at.has(id)) continue; // already indexed: a put over an existing record keeps its place
      entry.at.set(id, entry.ids.length);
      entry.ids.push(id);
    }
  }

  /**
   * A page of the organization's objects, newest first, after `starting_after` (which must be one
   * of them: anything else is 404 `starting_after`, as `cursorPage` answers).
   */
  page<C extends OwnedCollection>(collection: C, organization: string, query: CursorQuery): CursorPage<ObjectOf<C>> {
    const entry = this.current(collection).byOrganization.get(organization);
    let position = entry?.ids.length ?? 0;
    if (query.starting_after !== undefined) {
      const at = entry?.at.get(query.starting_after);
      if (at === undefined || !this.objectOf(collection, organization, query.starting_after)) unknownCursor(query.starting_after);
      position = at;
    }
    const data: ObjectOf<C>[] = [];
    let hasMore = false;
    while (position > 0) {
      const object = this.objectOf(collection, organization, (entry as OrganizationIds).ids[--position] as string);
      if (!object) continue;
      if (data.length === query.limit) {
        hasMore = true;
        break;
      }
      data.push(object);
    }
    return { data, has_more: hasMore };
  }

  /** The object the store holds under `id` for `organization`, if it does. */
  private objectOf<C extends OwnedCollection>(collection: C, organization: string, id: string): ObjectOf<C> | undefined {
    const record = this.store.get(collection, id) as Owned<ObjectOf<C>> | undefined;
    return record?.organization === organization ? record.object : undefined;
  }

  private current(collection: OwnedCollection): BuiltIndex {
    const records = this.store.data[collection];
    const built = this.built.get(collection);
    if (built && built.records === records) return built;
    const fresh: BuiltIndex = { records, byOrganization: new Map() };
    for (const [id, record] of Object.entries(records as Record<string, Owned<unknown>>)) {
      const entry = this.ofOrganization(fresh, record.organization);
      entry.at.set(id, entry.ids.length);
      entry.ids.push(id);
    }
    this.built.set(collection, fresh);
    return fresh;
  }

  private ofOrganization(index: BuiltIndex, organization: string): OrganizationIds {
    let entry = index.byOrganization.get(organization);
    if (!entry) {
      entry = { ids: [], at: new Map() };
      index.byOrganization.set(organization, entry);
    }
    return entry;
  }
}
