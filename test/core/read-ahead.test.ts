import { describe, expect, test } from '@jest/globals';
import type { Response } from 'express';
import type { RequestState } from '../../src/core/pipeline/request-state.js';
import { readAheadRecords, readPage, readRecords, type PageAhead } from '../../src/core/store/read-ahead.js';
import type { PageQuery, RecordPage, RecordRef, RecordStore } from '../../src/core/store/record-store.js';
import type { Collections } from '../../src/core/store/types.js';

// What was fetched ahead is a forecast: the readers answer from it only when it is exactly what
// the handler asks for, and ask the store otherwise (src/core/store/read-ahead.ts). A reader that
// trusted a forecast for another owner, query or a delayed request would answer wrongly here.

type Data = Collections & { items: Record<string, { owner: string; n: number }> };

/** A store that answers from `pages`/`records` and counts what it was asked. */
function countingStore() {
  const asked = { page: [] as { owner: string; query: PageQuery }[], getMany: [] as RecordRef[][] };
  const store = {
    async page(_collection: string, owner: string, query: PageQuery): Promise<RecordPage<Data['items'][string]> | undefined> {
      asked.page.push({ owner, query });
      return { items: [{ owner, n: 0 }], ids: ['from-store'], hasMore: false };
    },
    async getMany(refs: readonly RecordRef[]) {
      asked.getMany.push([...refs]);
      return refs.map((ref) => ({ owner: 'o', n: Number(ref.id) }));
    },
  } as unknown as RecordStore<Data>;
  return { store, asked };
}

function responseWith(state: Partial<RequestState>): Response {
  return { locals: { request: { api: 'nova', operation: undefined, path: '/', ...state } } } as unknown as Response;
}

const query: PageQuery = { newestFirst: true, limit: 10 };
const fetched: RecordPage<unknown> = { items: [{ owner: 'org_a', n: 1 }], ids: ['from-ahead'], hasMore: false };
const ahead: PageAhead = { collection: 'items', owner: 'org_a', query };

describe('readPage', () => {
  test('the page fetched ahead answers the handler that asks for exactly it, once', async () => {
    const { store, asked } = countingStore();
    const res = responseWith({ pageAhead: { ahead, found: fetched } });
    expect((await readPage(res, store, 'items', 'org_a', { newestFirst: true, limit: 10 }))?.ids).toEqual(['from-ahead']);
    expect(asked.page).toEqual([]);
    // A second read of the same page (after a write, say) goes to the store.
    expect((await readPage(res, store, 'items', 'org_a', query))?.ids).toEqual(['from-store']);
    expect(asked.page).toHaveLength(1);
  });

  test.each([
    ['another owner', 'org_b', query],
    ['another limit', 'org_a', { ...query, limit: 11 }],
    ['the other order', 'org_a', { ...query, newestFirst: false }],
    ['a cursor', 'org_a', { ...query, after: 'x' }],
    ['an offset', 'org_a', { ...query, offset: 1 }],
    ['a total', 'org_a', { ...query, withTotal: true }],
  ] as const)('a forecast for %s is not used: the store answers', async (_what, owner, asking) => {
    const { store, asked } = countingStore();
    const res = responseWith({ pageAhead: { ahead, found: fetched } });
    expect((await readPage(res, store, 'items', owner, asking))?.ids).toEqual(['from-store']);
    expect(asked.page).toEqual([{ owner, query: asking }]);
  });

  test('a request a latency fault held back reads the page again', async () => {
    const { store, asked } = countingStore();
    const res = responseWith({ pageAhead: { ahead, found: fetched }, fault: { id: 'flt_1', status: null, latency_ms: 200 } });
    expect((await readPage(res, store, 'items', 'org_a', query))?.ids).toEqual(['from-store']);
    expect(asked.page).toHaveLength(1);
  });

  test('an unknown cursor fetched ahead stays unknown (undefined), without asking the store', async () => {
    const { store, asked } = countingStore();
    const cursor: PageAhead = { ...ahead, query: { ...query, after: 'gone' } };
    const res = responseWith({ pageAhead: { ahead: cursor, found: undefined } });
    expect(await readPage(res, store, 'items', 'org_a', cursor.query)).toBeUndefined();
    expect(asked.page).toEqual([]);
  });
});

describe('readRecords', () => {
  test('asks the store only for the records not fetched ahead, and keeps the order asked', async () => {
    const { store, asked } = countingStore();
    const res = responseWith({ readAhead: readAheadRecords([{ collection: 'items', id: '1' }, { collection: 'items', id: '2' }], [{ owner: 'o', n: 100 }, null]) });
    const found = await readRecords(res, store, [
      { collection: 'items', id: '3' },
      { collection: 'items', id: '1' },
      { collection: 'items', id: '2' },
    ]);
    // '2' was fetched ahead and found absent: undefined, not asked again; '3' was not fetched.
    expect(found).toEqual([{ owner: 'o', n: 3 }, { owner: 'o', n: 100 }, undefined]);
    expect(asked.getMany).toEqual([[{ collection: 'items', id: '3' }]]);
  });

  test('a request a latency fault held back reads every record again', async () => {
    const { store, asked } = countingStore();
    const res = responseWith({ readAhead: readAheadRecords([{ collection: 'items', id: '1' }], [{ owner: 'o', n: 100 }]), fault: { id: 'flt_1', status: null, latency_ms: 1 } });
    expect(await readRecords(res, store, [{ collection: 'items', id: '1' }])).toEqual([{ owner: 'o', n: 1 }]);
    expect(asked.getMany).toHaveLength(1);
  });
});
