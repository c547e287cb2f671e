import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { ClaimLostError } from '../../src/core/store/errors.js';
import type { CollectionSchemas, KeyClaim, KeyRecord, RecordStore } from '../../src/core/store/record-store.js';
import type { Collections } from '../../src/core/store/types.js';
import { STORE_FACTORIES, type StoreBackend } from '../support/stores.js';

/**
 * What every `RecordStore` promises, run against each implementation in `STORE_FACTORIES`.
 * Each test opens its own workspace, so tests start from the fixtures and never see each other.
 */

interface Item {
  id: string;
  owner: string;
  n: number;
}
interface Note {
  text: string;
}
interface TestData extends Collections {
  items: Record<string, Item>;
  notes: Record<string, Note>;
  keys: Record<string, KeyRecord>;
}

// `item: Item` spelled out: CollectionSchemas maps over `keyof D`, which Collections' index signature widens to string.
const schemas: CollectionSchemas<TestData> = { items: { owner: (item: Item) => item.owner } };
const fixtures = (): TestData => ({
  items: {
    a1: { id: 'a1', owner: 'alice', n: 1 },
    b1: { id: 'b1', owner: 'bob', n: 2 },
    a2: { id: 'a2', owner: 'alice', n: 3 },
  },
  notes: { n1: { text: 'first' } },
  keys: {},
});

const HOUR = 60 * 60 * 1000;
const T0 = Date.parse('2024-04-20T12:00:00Z');

function claim(token: string, overrides: Partial<KeyClaim> = {}): KeyClaim {
  return { fingerprint: `fp-${token}`, claimToken: token, nowMs: T0, retentionMs: 24 * HOUR, leaseMs: 60_000, ...overrides };
}

function answer(fingerprint: string, storedAtMs = T0): KeyRecord {
  return { fingerprint, status: 201, contentType: 'application/json', body: '{"id":"x1", "spaced" : true}', storedAtMs };
}

const ids = (items: Item[]) => items.map((item) => item.id);
/** c00, c01, ...: two digits so they sort as they were made. */
const cid = (i: number) => `c${String(i).padStart(2, '0')}`;

for (const factory of STORE_FACTORIES) {
  factory.describe(`RecordStore contract: ${factory.name}`, () => {
    let backend: StoreBackend;
    let workspaces = 0;
    beforeAll(async () => {
      backend = await factory.setup();
    });
    afterAll(async () => {
      await backend.teardown();
    });

    /** A store on a workspace of its own (fresh fixtures), or on `workspace` when given. */
    const open = (workspace = `ws${++workspaces}`): Promise<RecordStore<TestData>> => backend.open({ workspace, schemas, fixtures });

    /** carol's c00..c(n-1), made one commit each so creation order is the commit order. */
    async function withCarol(n: number): Promise<RecordStore<TestData>> {
      const store = await open();
      for (let i = 0; i < n; i++) {
        await store.commit((tx) => {
          tx.put('items', cid(i), { id: cid(i), owner: 'carol', n: i });
          // Another owner's records in between must not show in carol's pages.
          if (i % 3 === 0) tx.put('items', `b-${i}`, { id: `b-${i}`, owner: 'bob', n: i });
        });
      }
      return store;
    }

    test('get: a record by id, undefined for an unknown id or another collection', async () => {
      const store = await open();
      expect(await store.get('items', 'a1')).toEqual({ id: 'a1', owner: 'alice', n: 1 });
      expect(await store.get('notes', 'n1')).toEqual({ text: 'first' });
      expect(await store.get('items', 'nope')).toBeUndefined();
      expect(await store.get('notes', 'a1')).toBeUndefined();
    });

    test('getMany: several collections at once, in the order asked, undefined where absent, repeats allowed', async () => {
      const store = await open();
      expect(await store.getMany([])).toEqual([]);
      expect(await store.getMany([{ collection: 'items', id: 'a2' }])).toEqual([{ id: 'a2', owner: 'alice', n: 3 }]);
      const found = await store.getMany<'items' | 'notes'>([
        { collection: 'notes', id: 'n1' },
        { collection: 'items', id: 'nope' },
        { collection: 'items', id: 'b1' },
        { collection: 'notes', id: 'a1' },
        { collection: 'items', id: 'b1' },
      ]);
      expect(found).toEqual([{ text: 'first' }, undefined, { id: 'b1', owner: 'bob', n: 2 }, undefined, { id: 'b1', owner: 'bob', n: 2 }]);
    });

    test('keepAtMost: the oldest beyond the bound go, then the expired among the oldest `scan`; other owners untouched', async () => {
      const store = await open();
      const alice = async () => (await store.scan('items', 'alice')).map((item) => item.id);
      // alice has a1 (n 1) and a2 (n 3); two more make four, the bound keeps three.
      await store.commit((tx) => {
        tx.put('items', 'a3', { id: 'a3', owner: 'alice', n: 4 });
        tx.put('items', 'a4', { id: 'a4', owner: 'alice', n: 5 });
        tx.keepAtMost('items', 'alice', 3);
      });
      expect(await alice()).toEqual(['a2', 'a3', 'a4']);
      // Under the bound, the expired (n at or before 4) among the two oldest go: a2 and a3, not a4.
      await store.commit((tx) => {
        tx.put('items', 'a5', { id: 'a5', owner: 'alice', n: 6 });
        tx.keepAtMost('items', 'alice', 10, { field: 'n', atOrBeforeMs: 4, scan: 2 });
      });
      expect(await alice()).toEqual(['a4', 'a5']);
      // Only the oldest `scan` are looked at: with scan 1 and everything expired, one goes.
      await store.commit((tx) => {
        tx.put('items', 'a6', { id: 'a6', owner: 'alice', n: 7 });
        tx.keepAtMost('items', 'alice', 10, { field: 'n', atOrBeforeMs: 100, scan: 1 });
      });
      expect(await alice()).toEqual(['a5', 'a6']);
      // Nothing to drop: nothing changes.
      await store.commit((tx) => tx.keepAtMost('items', 'alice', 10, { field: 'n', atOrBeforeMs: 0, scan: 5 }));
      expect(await alice()).toEqual(['a5', 'a6']);
      expect(await store.count('items', 'alice')).toBe(2);
      expect(await store.count('items', 'bob')).toBe(1);
      expect(await store.get('items', 'b1')).toEqual({ id: 'b1', owner: 'bob', n: 2 });
    });

    test('a record reads back as it was stored: key order, nesting, unicode and \\u0000 in strings', async () => {
      const store = await open();
      const odd = { id: 'odd', owner: 'zed', n: 0, z: 1, a: { y: [1, 'two', null], b: false }, s: 'nul\u0000 é 😀 "q"' } as Item;
      await store.commit((tx) => tx.put('items', 'odd', odd));
      const back = await store.get('items', 'odd');
      expect(back).toEqual(odd);
      expect(JSON.stringify(back)).toBe(JSON.stringify(odd));
    });

    test('page newest first: keyset after a cursor, hasMore, the end', async () => {
      const store = await withCarol(25);
      const first = await store.page('items', 'carol', { limit: 10, newestFirst: true });
      expect(first && { ids: ids(first.items), hasMore: first.hasMore }).toEqual({
        ids: [24, 23, 22, 21, 20, 19, 18, 17, 16, 15].map(cid),
        hasMore: true,
      });
      const second = await store.page('items', 'carol', { limit: 10, newestFirst: true, after: cid(15) });
      expect(second && ids(second.items)).toEqual([14, 13, 12, 11, 10, 9, 8, 7, 6, 5].map(cid));
      expect(second?.hasMore).toBe(true);
      const last = await store.page('items', 'carol', { limit: 10, newestFirst: true, after: cid(5) });
      expect(last).toEqual({ items: [0, 1, 2, 3, 4].reverse().map((i) => ({ id: cid(i), owner: 'carol', n: i })), ids: [0, 1, 2, 3, 4].reverse().map(cid), hasMore: false });
      // Exactly a page left: no more after it.
      expect(await store.page('items', 'carol', { limit: 5, newestFirst: true, after: cid(5) })).toMatchObject({ hasMore: false });
      expect(await store.page('items', 'carol', { limit: 5, newestFirst: true, after: cid(0) })).toEqual({ items: [], ids: [], hasMore: false });
    });

    test('page withTotal: the owner\'s count in the same read, whatever the page, the cursor or the offset', async () => {
      const store = await withCarol(25);
      expect(await store.page('items', 'carol', { limit: 3, newestFirst: true, withTotal: true })).toMatchObject({ ids: [24, 23, 22].map(cid), hasMore: true, total: 25 });
      expect(await store.page('items', 'carol', { limit: 3, newestFirst: false, offset: 24, withTotal: true })).toMatchObject({ ids: [cid(24)], hasMore: false, total: 25 });
      expect(await store.page('items', 'carol', { limit: 3, newestFirst: true, after: cid(1), withTotal: true })).toMatchObject({ ids: [cid(0)], total: 25 });
      expect(await store.page('items', 'nobody', { limit: 3, newestFirst: true, withTotal: true })).toEqual({ items: [], ids: [], hasMore: false, total: 0 });
      expect(await store.page('items', 'carol', { limit: 3, newestFirst: true, after: 'nope', withTotal: true })).toBeUndefined();
      // Not asked, not given.
      expect(await store.page('items', 'carol', { limit: 1, newestFirst: true })).not.toHaveProperty('total');
    });

    test('page oldest first with offset, alone and after a cursor', async () => {
      const store = await withCarol(25);
      const first = await store.page('items', 'carol', { limit: 10, newestFirst: false });
      expect(first && ids(first.items)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(cid));
      const skipped = await store.page('items', 'carol', { limit: 4, newestFirst: false, offset: 3 });
      expect(skipped).toMatchObject({ hasMore: true });
      expect(skipped && ids(skipped.items)).toEqual([3, 4, 5, 6].map(cid));
      const afterAndOffset = await store.page('items', 'carol', { limit: 5, newestFirst: false, after: cid(9), offset: 5 });
      expect(afterAndOffset && ids(afterAndOffset.items)).toEqual([15, 16, 17, 18, 19].map(cid));
      expect(afterAndOffset?.hasMore).toBe(true);
      const newestOffset = await store.page('items', 'carol', { limit: 3, newestFirst: true, after: cid(20), offset: 2 });
      expect(newestOffset && ids(newestOffset.items)).toEqual([17, 16, 15].map(cid));
      expect(await store.page('items', 'carol', { limit: 5, newestFirst: false, offset: 25 })).toEqual({ items: [], ids: [], hasMore: false });
      expect(await store.page('items', 'carol', { limit: 5, newestFirst: false, after: cid(24) })).toEqual({ items: [], ids: [], hasMore: false });
    });

    test('page: an unknown cursor, another owner\'s record or another collection\'s id as cursor resolves undefined', async () => {
      const store = await withCarol(3);
      expect(await store.page('items', 'carol', { limit: 5, newestFirst: true, after: 'nope' })).toBeUndefined();
      expect(await store.page('items', 'carol', { limit: 5, newestFirst: true, after: 'b1' })).toBeUndefined();
      expect(await store.page('items', 'alice', { limit: 5, newestFirst: false, after: cid(1) })).toBeUndefined();
      expect(await store.page('items', 'carol', { limit: 5, newestFirst: true, after: 'n1' })).toBeUndefined();
      // An owner with no records has an empty page, not an unknown one.
      expect(await store.page('items', 'nobody', { limit: 5, newestFirst: true })).toEqual({ items: [], ids: [], hasMore: false });
    });

    test('page order is creation order: fixtures in their order, a batch in its order, a put over a record keeps its place', async () => {
      const store = await open();
      const alice = await store.page('items', 'alice', { limit: 10, newestFirst: false });
      expect(alice && ids(alice.items)).toEqual(['a1', 'a2']);
      await store.commit((tx) => {
        for (const id of ['z', 'm', 'a', 'q']) tx.put('items', id, { id, owner: 'alice', n: 0 });
      });
      await store.commit((tx) => tx.put('items', 'a1', { id: 'a1', owner: 'alice', n: 100 }));
      const after = await store.page('items', 'alice', { limit: 10, newestFirst: true });
      expect(after && ids(after.items)).toEqual(['q', 'a', 'm', 'z', 'a2', 'a1']);
      expect(after?.items.at(-1)).toEqual({ id: 'a1', owner: 'alice', n: 100 });
    });

    test('count: per owner, per collection, following puts, deletes and owner changes', async () => {
      const store = await open();
      expect(await store.count('items', 'alice')).toBe(2);
      expect(await store.count('items', 'bob')).toBe(1);
      expect(await store.count('items', 'nobody')).toBe(0);
      expect(await store.count('items')).toBe(3);
      expect(await store.count('notes')).toBe(1);
      expect(await store.count('keys')).toBe(0);
      await store.commit((tx) => {
        tx.put('items', 'a3', { id: 'a3', owner: 'alice', n: 4 });
        tx.put('items', 'a1', { id: 'a1', owner: 'bob', n: 1 }); // moves to bob
        tx.delete('items', 'b1');
        tx.delete('items', 'never-there');
        tx.put('notes', 'n2', { text: 'second' });
      });
      expect([await store.count('items', 'alice'), await store.count('items', 'bob'), await store.count('items')]).toEqual([2, 1, 3]);
      expect(await store.count('notes')).toBe(2);
      const bob = await store.page('items', 'bob', { limit: 5, newestFirst: true });
      expect(bob && ids(bob.items)).toEqual(['a1']);
      const alice = await store.page('items', 'alice', { limit: 5, newestFirst: true });
      expect(alice && ids(alice.items)).toEqual(['a3', 'a2']);
    });

    test('scan: every record oldest first, or one owner\'s', async () => {
      const store = await open();
      await store.commit((tx) => tx.put('items', 'a3', { id: 'a3', owner: 'alice', n: 4 }));
      expect(ids(await store.scan('items'))).toEqual(['a1', 'b1', 'a2', 'a3']);
      expect(ids(await store.scan('items', 'alice'))).toEqual(['a1', 'a2', 'a3']);
      expect(await store.scan('items', 'nobody')).toEqual([]);
      expect(await store.scan('notes')).toEqual([{ text: 'first' }]);
    });

    test('commit: returns what build returns; later ops of one transaction win over earlier ones', async () => {
      const store = await open();
      const result = await store.commit((tx) => {
        tx.put('items', 'x', { id: 'x', owner: 'alice', n: 1 });
        tx.put('items', 'x', { id: 'x', owner: 'alice', n: 2 });
        tx.put('items', 'gone', { id: 'gone', owner: 'alice', n: 1 });
        tx.delete('items', 'gone');
        tx.delete('notes', 'n1');
        return 'built';
      });
      expect(result).toBe('built');
      expect(await store.get('items', 'x')).toEqual({ id: 'x', owner: 'alice', n: 2 });
      expect(await store.get('items', 'gone')).toBeUndefined();
      expect(await store.get('notes', 'n1')).toBeUndefined();
      expect(await store.count('items', 'alice')).toBe(3);
      expect(await store.commit(() => 42)).toBe(42);
    });

    test('commit: a throwing build writes nothing', async () => {
      const store = await open();
      await expect(
        store.commit((tx) => {
          tx.put('items', 'x', { id: 'x', owner: 'alice', n: 1 });
          tx.delete('items', 'a1');
          throw new Error('invalid batch');
        }),
      ).rejects.toThrow('invalid batch');
      expect(await store.get('items', 'x')).toBeUndefined();
      expect(await store.get('items', 'a1')).toEqual({ id: 'a1', owner: 'alice', n: 1 });
      expect(await store.count('items', 'alice')).toBe(2);
    });

    test('commit: many records in one transaction (a large batch) all land, in order', async () => {
      const store = await open();
      await store.commit((tx) => {
        for (let i = 0; i < 500; i++) tx.put('items', `big${i}`, { id: `big${i}`, owner: 'dave', n: i });
      });
      expect(await store.count('items', 'dave')).toBe(500);
      const page = await store.page('items', 'dave', { limit: 3, newestFirst: true });
      expect(page && ids(page.items)).toEqual(['big499', 'big498', 'big497']);
    });

    test('claimKey: claimed, then in_flight for everyone else, then done once completed', async () => {
      const store = await open();
      expect(await store.claimKey('keys', 'k1', claim('t1'))).toEqual({ state: 'claimed' });
      expect(await store.claimKey('keys', 'k1', claim('t2'))).toEqual({ state: 'in_flight', fingerprint: 'fp-t1' });
      await store.commit((tx) => {
        tx.put('items', 'made', { id: 'made', owner: 'alice', n: 9 });
        tx.completeKey('keys', 'k1', 't1', answer('fp-t1'));
      });
      expect(await store.claimKey('keys', 'k1', claim('t3'))).toEqual({ state: 'done', record: answer('fp-t1') });
      expect(await store.get('items', 'made')).toEqual({ id: 'made', owner: 'alice', n: 9 });
      expect(await store.get('keys', 'k1')).toEqual(answer('fp-t1'));
    });

    test('claimKey: a stored answer is replayed until its retention ends, then counts as absent', async () => {
      const store = await open();
      const retentionMs = 24 * HOUR;
      expect(await store.claimKey('keys', 'k1', claim('t1'))).toEqual({ state: 'claimed' });
      await store.commit((tx) => tx.completeKey('keys', 'k1', 't1', answer('fp-t1')));
      expect(await store.claimKey('keys', 'k1', claim('t2', { nowMs: T0 + retentionMs - 1 }))).toEqual({ state: 'done', record: answer('fp-t1') });
      expect(await store.claimKey('keys', 'k1', claim('t3', { nowMs: T0 + retentionMs }))).toEqual({ state: 'claimed' });
      // The new answer replaces the expired one.
      await store.commit((tx) => tx.completeKey('keys', 'k1', 't3', answer('fp-t3', T0 + retentionMs)));
      expect(await store.claimKey('keys', 'k1', claim('t4', { nowMs: T0 + retentionMs }))).toEqual({
        state: 'done',
        record: answer('fp-t3', T0 + retentionMs),
      });
    });

    test('claimKey: a lapsed claim can be taken; its old holder can then neither complete nor release it', async () => {
      const store = await open();
      expect(await store.claimKey('keys', 'k1', claim('t1', { leaseMs: 0 }))).toEqual({ state: 'claimed' });
      expect(await store.claimKey('keys', 'k1', claim('t2'))).toEqual({ state: 'claimed' });
      await expect(
        store.commit((tx) => {
          tx.put('items', 'late', { id: 'late', owner: 'alice', n: 1 });
          tx.completeKey('keys', 'k1', 't1', answer('fp-t1'));
        }),
      ).rejects.toBeInstanceOf(ClaimLostError);
      expect(await store.get('items', 'late')).toBeUndefined();
      expect(await store.get('keys', 'k1')).toBeUndefined();
      await store.releaseKey('keys', 'k1', 't1'); // not its claim any more: no effect
      expect(await store.claimKey('keys', 'k1', claim('t3'))).toEqual({ state: 'in_flight', fingerprint: 'fp-t2' });
      await store.commit((tx) => tx.completeKey('keys', 'k1', 't2', answer('fp-t2')));
      expect(await store.claimKey('keys', 'k1', claim('t3'))).toEqual({ state: 'done', record: answer('fp-t2') });
    });

    test('releaseKey: drops the claim, so the next claim succeeds', async () => {
      const store = await open();
      expect(await store.claimKey('keys', 'k1', claim('t1'))).toEqual({ state: 'claimed' });
      await store.releaseKey('keys', 'k1', 't1');
      expect(await store.claimKey('keys', 'k1', claim('t2'))).toEqual({ state: 'claimed' });
      expect(await store.get('keys', 'k1')).toBeUndefined();
    });

    test('claimKey: 50 concurrent claims of one key from two instances, exactly one wins', async () => {
      const workspace = `ws${++workspaces}`;
      const [one, two] = [await open(workspace), await open(workspace)];
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => (i % 2 ? one : two).claimKey('keys', 'race', claim(`t${i}`))),
      );
      const winners = results.flatMap((result, i) => (result.state === 'claimed' ? [i] : []));
      expect(winners).toHaveLength(1);
      const winner = winners[0] as number;
      expect(results.filter((_, i) => i !== winner)).toEqual(Array.from({ length: 49 }, () => ({ state: 'in_flight', fingerprint: `fp-t${winner}` })));
      // Different keys do not contend.
      expect(await two.claimKey('keys', 'race-2', claim('u1'))).toEqual({ state: 'claimed' });
    });

    test('two instances of one workspace share the state', async () => {
      const workspace = `ws${++workspaces}`;
      const [one, two] = [await open(workspace), await open(workspace)];
      await one.commit((tx) => tx.put('items', 'shared', { id: 'shared', owner: 'alice', n: 7 }));
      expect(await two.get('items', 'shared')).toEqual({ id: 'shared', owner: 'alice', n: 7 });
      expect(await two.count('items', 'alice')).toBe(3);
      // Opening again did not seed the fixtures over the first instance's writes.
      await two.commit((tx) => tx.delete('items', 'a1'));
      const three = await open(workspace);
      expect(await three.get('items', 'a1')).toBeUndefined();
    });

    test('reset: back to the fixtures, claims dropped, other workspaces untouched', async () => {
      const store = await open();
      const neighbour = await open();
      await neighbour.commit((tx) => tx.put('items', 'kept', { id: 'kept', owner: 'alice', n: 1 }));
      await store.commit((tx) => {
        tx.put('items', 'x', { id: 'x', owner: 'alice', n: 1 });
        tx.put('items', 'a1', { id: 'a1', owner: 'bob', n: 50 });
        tx.delete('items', 'a2');
        tx.delete('notes', 'n1');
      });
      expect(await store.claimKey('keys', 'k1', claim('t1'))).toEqual({ state: 'claimed' });
      await store.reset();
      expect(await store.scan('items')).toEqual(Object.values(fixtures().items));
      expect(await store.scan('notes')).toEqual([{ text: 'first' }]);
      expect([await store.count('items', 'alice'), await store.count('items', 'bob'), await store.count('items')]).toEqual([2, 1, 3]);
      expect(await store.claimKey('keys', 'k1', claim('t2'))).toEqual({ state: 'claimed' });
      expect(await neighbour.get('items', 'kept')).toEqual({ id: 'kept', owner: 'alice', n: 1 });
      expect(await neighbour.count('items', 'alice')).toBe(3);
    });

    test('workspaces never see each other: records, pages, counts, scans, claims', async () => {
      const [a, b] = [await open(), await open()];
      await a.commit((tx) => {
        tx.put('items', 'only-a', { id: 'only-a', owner: 'alice', n: 1 });
        tx.delete('items', 'b1');
      });
      expect(await b.get('items', 'only-a')).toBeUndefined();
      expect(await b.get('items', 'b1')).toEqual({ id: 'b1', owner: 'bob', n: 2 });
      expect(await b.page('items', 'alice', { limit: 10, newestFirst: true, after: 'only-a' })).toBeUndefined();
      expect([await a.count('items', 'alice'), await b.count('items', 'alice')]).toEqual([3, 2]);
      expect([await a.count('items'), await b.count('items')]).toEqual([3, 3]);
      expect(ids(await b.scan('items'))).toEqual(['a1', 'b1', 'a2']);
      expect(await a.claimKey('keys', 'k', claim('t1'))).toEqual({ state: 'claimed' });
      expect(await b.claimKey('keys', 'k', claim('t2'))).toEqual({ state: 'claimed' });
    });
  });
}
