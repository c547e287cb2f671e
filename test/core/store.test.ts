import { describe, expect, test } from '@jest/globals';
import { Store } from '../../src/core/store/store.js';
import type { Persistence, StoreOp } from '../../src/core/store/types.js';

interface Data {
  [collection: string]: Record<string, unknown>;
  things: Record<string, { id: string; n: number }>;
}

const fixtures = (): Data => ({ things: { a: { id: 'a', n: 1 } } });

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

describe('Store', () => {
  test('a transaction is applied whole, and a throwing build applies nothing', async () => {
    const store = await Store.open<Data>({ fixtures });
    await store.commit((tx) => {
      tx.put('things', 'b', { id: 'b', n: 2 });
      tx.delete('things', 'a');
    });
    expect(store.all('things')).toEqual([{ id: 'b', n: 2 }]);
    await expect(
      store.commit((tx) => {
        tx.put('things', 'c', { id: 'c', n: 3 });
        throw new Error('invalid item');
      }),
    ).rejects.toThrow('invalid item');
    expect(store.get('things', 'c')).toBeUndefined();
  });

  test('a failed write to disk takes the transaction back out of memory', async () => {
    const persistence = new FlakyPersistence();
    const store = await Store.open<Data>({ fixtures, persistence });
    persistence.failNext = true;
    await expect(
      store.commit((tx) => {
        tx.put('things', 'a', { id: 'a', n: 99 });
        tx.put('things', 'new', { id: 'new', n: 5 });
        tx.delete('things', 'a');
      }),
    ).rejects.toThrow('disk full');
    expect(store.all('things')).toEqual([{ id: 'a', n: 1 }]);
    expect(persistence.written).toEqual([]);

    await store.commit((tx) => tx.put('things', 'ok', { id: 'ok', n: 7 }));
    expect(store.get('things', 'ok')).toEqual({ id: 'ok', n: 7 });
    expect(persistence.written).toHaveLength(1);
  });

  test('reset goes back to the fixtures', async () => {
    const store = await Store.open<Data>({ fixtures });
    await store.commit((tx) => tx.delete('things', 'a'));
    await store.reset();
    expect(store.get('things', 'a')).toEqual({ id: 'a', n: 1 });
  });
});
