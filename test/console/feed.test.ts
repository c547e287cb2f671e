import { describe, expect, test } from '@jest/globals';
import { RequestJournal, type JournalEntry } from '../../src/control-plane/journal.js';
import { ConsoleFeed, type FeedItem } from '../../src/console/feed.js';

const T = new Date('2024-04-20T12:00:00Z');
let seq = 0;
function entry(path: string): JournalEntry {
  return { seq: ++seq, time: T.toISOString(), api: 'norcap', operation: 'listDistributions', method: 'GET', path, status: 200, duration_ms: 1, matched_contract: true, problems: [], failure: null, fault: null };
}
const paths = (items: FeedItem[]) => items.filter((i) => i.event === 'request').map((i) => (JSON.parse(i.data) as { path: string }).path);

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
});
