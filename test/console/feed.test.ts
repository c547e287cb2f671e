import { describe, expect, test } from '@jest/globals';
import { RequestJournal, type JournalEntry } from '../../src/control-plane/journal.js';
import { ConsoleFeed, type FeedItem } from '../../src/console/feed.js';
import type { RawCapture } from '../../src/console/capture.js';
import { buildRow, rowParts } from '../../src/console/rows.js';

const T = new Date('2024-04-20T12:00:00Z');
let seq = 0;
function entry(path: string): JournalEntry {
  return { seq: ++seq, time: T.toISOString(), api: 'norcap', operation: 'listDistributions', method: 'GET', path, status: 200, duration_ms: 1, matched_contract: true, problems: [], failure: null, fault: null };
}
/** One turn of the event loop: what the feed scheduled with `setImmediate` before it has run. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const paths = (items: readonly FeedItem[]) => items.filter((i) => i.event === 'request').map((i) => (JSON.parse(i.data) as { path: string }).path);

describe('ConsoleFeed', () => {
  test('recording only queues: rows are built after the current turn, once, in order', () => {
    const journal = new RequestJournal(10);
    const feed = new ConsoleFeed(journal, () => T);
    journal.record(entry('/a'));
    journal.record(entry('/b'));
    expect(feed.items()).toEqual([]); // nothing built on the request path
    feed.flush();
    expect(paths(feed.items())).toEqual(['/a', '/b']);
  });

  test('a subscriber that cannot keep up is dropped, never buffered without bound; the others go on', () => {
    const journal = new RequestJournal(10);
    const feed = new ConsoleFeed(journal, () => T);
    const fast: FeedItem[] = [];
    let slowGot = 0;
    feed.subscribe({ send: (items) => (fast.push(...items), true) }, undefined, () => undefined);
    feed.subscribe({ send: () => (slowGot++, false) }, undefined, () => undefined);
    expect(feed.subscriberCount).toBe(2);
    journal.record(entry('/x'));
    feed.flush();
    expect(feed.subscriberCount).toBe(1);
    journal.record(entry('/y'));
    feed.flush();
    expect(slowGot).toBe(1);
    expect(paths(fast)).toEqual(['/x', '/y']);
  });

  test('the ring is bounded; a console resuming after rows it can no longer get is told how many it missed', () => {
    const journal = new RequestJournal(3);
    const feed = new ConsoleFeed(journal, () => T, 0);
    journal.record(entry('/1'));
    feed.flush();
    const lastSeen = feed.idOf(feed.items()[0]!);
    for (const p of ['/2', '/3', '/4', '/5', '/6']) journal.record(entry(p));
    feed.flush();
    expect(paths(feed.items())).toEqual(['/4', '/5', '/6']);
    let plan: { fresh: boolean; gap: number } | undefined;
    const got: FeedItem[] = [];
    feed.subscribe({ send: (items) => (got.push(...items), true) }, lastSeen, (p) => (plan = p));
    expect(plan).toEqual({ fresh: false, gap: 2 });
    expect(paths(got)).toEqual(['/4', '/5', '/6']);
    // An id from another epoch (a restart) starts over.
    let other: { fresh: boolean; gap: number } | undefined;
    feed.subscribe({ send: () => true }, 'otherEpoch.3', (p) => (other = p));
    expect(other).toEqual({ fresh: true, gap: 0 });
  });

  test('a cleared journal leaves its rows out of every later backlog, and says so on the timeline', () => {
    const journal = new RequestJournal(10);
    const feed = new ConsoleFeed(journal, () => T);
    journal.record(entry('/old'));
    journal.clear();
    journal.record(entry('/new'));
    feed.flush();
    const items = feed.items();
    expect(paths(items)).toEqual(['/new']);
    expect(items.some((i) => i.event === 'timeline' && i.data.includes('"cleared"'))).toBe(true);
  });

  test('a big batch is built a slice at a time, the requests running in between, and still reaches each console whole, in order, in one send', async () => {
    const journal = new RequestJournal(20);
    const feed = new ConsoleFeed(journal, () => T, 0, 40, 2);
    const sends: (readonly FeedItem[])[] = [];
    feed.subscribe({ send: (items) => (sends.push(items), true) }, undefined, () => undefined);
    for (const p of ['/1', '/2', '/3', '/4', '/5']) journal.record(entry(p));
    feed.flush();
    expect(sends).toEqual([]); // two frames built; the rest wait for the next turns
    let between = false;
    setImmediate(() => (between = true)); // a request's callback, say, queued meanwhile
    await turn();
    expect(between).toBe(true);
    expect(sends).toEqual([]);
    await turn();
    expect(sends).toHaveLength(1);
    expect(paths(sends[0]!)).toEqual(['/1', '/2', '/3', '/4', '/5']);
    expect(sends[0]!.map((item) => item.frame.startsWith(`id: ${feed.idOf(item)}\nevent: request\n`))).toEqual([true, true, true, true, true]);
    // A batch no bigger than a slice goes out at once, as before.
    journal.record(entry('/6'));
    feed.flush();
    expect(sends).toHaveLength(2);
    expect(paths(sends[1]!)).toEqual(['/6']);
  });

  test('a console connecting while a batch is being built gets each row once, and so do the consoles already there', async () => {
    const journal = new RequestJournal(20);
    const feed = new ConsoleFeed(journal, () => T, 0, 40, 2);
    const first: FeedItem[] = [];
    const second: FeedItem[] = [];
    feed.subscribe({ send: (items) => (first.push(...items), true) }, undefined, () => undefined);
    for (const p of ['/1', '/2', '/3', '/4', '/5']) journal.record(entry(p));
    feed.flush();
    expect(first).toEqual([]);
    feed.subscribe({ send: (items) => (second.push(...items), true) }, undefined, () => undefined);
    expect(paths(first)).toEqual(['/1', '/2', '/3', '/4', '/5']); // owed before the newcomer's backlog
    expect(paths(second)).toEqual(['/1', '/2', '/3', '/4', '/5']);
    await turn();
    await turn();
    journal.record(entry('/6'));
    feed.flush();
    expect(paths(first)).toEqual(['/1', '/2', '/3', '/4', '/5', '/6']);
    expect(paths(second)).toEqual(['/1', '/2', '/3', '/4', '/5', '/6']);
  });

  test("a row's head, what a stream sends, is the whole row without its exchange, masked alike", () => {
    const key = 'sandbox_api_key';
    const capture: RawCapture = {
      query: `?note=${key}&api_key=${key}`,
      requestHeaders: { authorization: `Bearer sandbox:${key}`, 'idempotency-key': `k-${key}` },
      requestBody: { memo: key },
      responseHeaders: { 'content-type': 'application/json; charset=utf-8', 'idempotent-replayed': 'true' },
      responseChunks: [JSON.stringify({ echo: key })],
      responseBytes: 0,
      truncated: false,
    };
    const logged = { ...entry(`/v3/custody/distributions/${key}`), problems: [`no ${key} here`], failure: { kind: 'not_found' as const, message: `no ${key}` } };
    const parts = rowParts(logged, undefined, capture);
    const head = parts.head();
    const { request, response, ...rest } = buildRow(logged, undefined, capture);
    expect(head).toEqual(rest);
    expect(head).not.toHaveProperty('request');
    expect(JSON.stringify(head)).not.toContain(key);
    expect(head).toMatchObject({ path: '/v3/custody/distributions/[masked]', idempotency_key: 'k-[masked]', replayed: true });
    expect(parts.row()).toEqual({ ...head, request, response });
    expect(parts.row()).toBe(parts.row()); // built once
  });

  test("a row's head leaves the exchange's masked copies unmade: only the whole row lists the headers", () => {
    // What a stream sends must not pay for masking every header and body: count who lists them.
    let listed = 0;
    const counted = <T extends object>(target: T): T => new Proxy(target, { ownKeys: (t) => (listed++, Reflect.ownKeys(t)) });
    const capture: RawCapture = {
      query: '',
      requestHeaders: counted({ authorization: 'Bearer sandbox:sandbox_api_key', 'content-type': 'application/json' }),
      requestBody: undefined,
      responseHeaders: counted({ 'content-type': 'application/json; charset=utf-8' }),
      responseChunks: ['{"ok":true}'],
      responseBytes: 11,
      truncated: false,
    };
    const parts = rowParts(entry('/v3/custody/distributions'), undefined, capture);
    parts.head();
    expect(listed).toBe(0);
    expect(parts.row().request.headers).toEqual({ authorization: 'Bearer sandbox:[masked]', 'content-type': 'application/json' });
    expect(listed).toBe(2); // the request's and the response's headers, once each
  });
});
