import { describe, expect, test } from '@jest/globals';
import { toFailure } from '../../src/core/errors.js';
import { EmbeddedStore } from '../../src/backends/embedded/embedded-store.js';
import type { Persistence, StoreOp } from '../../src/core/store/types.js';

interface Data {
  [collection: string]: Record<string, unknown>;
  things: Record<string, { id: string; n: number; owner: string }>;
}

const fixtures = (): Data => ({ things: { a: { id: 'a', n: 1, owner: 'o' } } });
const schemas = { things: { owner: (t: Data['things'][string]) => t.owner } };

/** A persistence whose writes succeed until told to fail. */
class FlakyPersistence implements Persistence<Data> {
  failNext = false;
  written: StoreOp[][] = [];
  async load() {
    return undefined;
  }
  async append(ops: readonly StoreOp[]) {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('disk full');
    }
    this.written.push([...ops]);
  }
  async replace() {}
  async close() {}
}

// The contract both stores share is tested once, parameterized, in test/store/; these are the
// embedded store's own: durability before visibility and its in-memory indexes.
describe('EmbeddedStore', () => {
  test('a failed write to disk leaves memory and the owner index untouched', async () => {
    const persistence = new FlakyPersistence();
    const store = await EmbeddedStore.open<Data>({ fixtures, schemas, persistence });
    persistence.failNext = true;
    await expect(
      store.commit((tx) => {
        tx.put('things', 'a', { id: 'a', n: 99, owner: 'o' });
        tx.put('things', 'new', { id: 'new', n: 5, owner: 'o' });
        tx.delete('things', 'a');
      }),
    ).rejects.toThrow('disk full');
    expect(await store.scan('things')).toEqual([{ id: 'a', n: 1, owner: 'o' }]);
    expect(await store.count('things', 'o')).toBe(1);
    expect((await store.page('things', 'o', { limit: 10, newestFirst: true }))?.ids).toEqual(['a']);
    expect(persistence.written).toEqual([]);

    await store.commit((tx) => tx.put('things', 'ok', { id: 'ok', n: 7, owner: 'o' }));
    expect(await store.get('things', 'ok')).toEqual({ id: 'ok', n: 7, owner: 'o' });
    expect((await store.page('things', 'o', { limit: 10, newestFirst: true }))?.ids).toEqual(['ok', 'a']);
    expect(persistence.written).toHaveLength(1);
  });

  test('a commit is visible only once it is durable', async () => {
    let release!: () => void;
    const persistence = new FlakyPersistence();
    persistence.append = () => new Promise<void>((resolve) => (release = resolve));
    const store = await EmbeddedStore.open<Data>({ fixtures, schemas, persistence });
    const committing = store.commit((tx) => tx.put('things', 'b', { id: 'b', n: 2, owner: 'o' }));
    expect(await store.get('things', 'b')).toBeUndefined();
    release();
    await committing;
    expect(await store.get('things', 'b')).toEqual({ id: 'b', n: 2, owner: 'o' });
  });

  test('a put that changes the owner moves the record to the new owner, at its newest place', async () => {
    const store = await EmbeddedStore.open<Data>({ fixtures, schemas });
    await store.commit((tx) => tx.put('things', 'b', { id: 'b', n: 2, owner: 'p' }));
    await store.commit((tx) => tx.put('things', 'a', { id: 'a', n: 1, owner: 'p' }));
    expect(await store.count('things', 'o')).toBe(0);
    expect((await store.page('things', 'p', { limit: 10, newestFirst: false }))?.ids).toEqual(['b', 'a']);
  });

  test('reset goes back to the fixtures, indexes included', async () => {
    const store = await EmbeddedStore.open<Data>({ fixtures, schemas });
    await store.commit((tx) => tx.delete('things', 'a'));
    await store.commit((tx) => tx.put('things', 'b', { id: 'b', n: 2, owner: 'o' }));
    await store.reset();
    expect(await store.get('things', 'a')).toEqual({ id: 'a', n: 1, owner: 'o' });
    expect((await store.page('things', 'o', { limit: 10, newestFirst: true }))?.ids).toEqual(['a']);
    expect(await store.count('things')).toBe(1);
  });
});

describe('a lost idempotency claim, as a request sees it', () => {
  test('the commit writes nothing and the request answers 409 conflict naming the key, never 500', async () => {
    const store = await EmbeddedStore.open<Data>({ fixtures, schemas });
    const base = { fingerprint: 'f', nowMs: 0, retentionMs: 60_000 };
    expect(await store.claimKey('things', 'k', { ...base, claimToken: 'first', leaseMs: -1 })).toEqual({ state: 'claimed' }); // lapses at once
    expect(await store.claimKey('things', 'k', { ...base, claimToken: 'second', leaseMs: 60_000 })).toEqual({ state: 'claimed' });
    const lost = await store
      .commit((tx) => {
        tx.put('things', 'x', { id: 'x', n: 1, owner: 'o' });
        tx.completeKey('things', 'k', 'first', { fingerprint: 'f', status: 201, contentType: null, body: '', storedAtMs: 0 });
      })
      .then(() => undefined, (error: unknown) => error);
    expect(await store.get('things', 'x')).toBeUndefined();
    expect(toFailure(lost)).toEqual({ kind: 'idempotency_conflict', status: 409, field: 'Idempotency-Key', message: expect.stringContaining('retry') });
  });
});
