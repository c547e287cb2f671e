import { describe, expect, test } from '@jest/globals';
import { SandboxClock } from '../../src/core/clock.js';
import { OperationIndex } from '../../src/core/contract/operations.js';
import { CoverageTracker } from '../../src/control-plane/coverage.js';
import { RequestJournal, type JournalEntry } from '../../src/control-plane/journal.js';
import { ConsoleFeed, type FeedItem } from '../../src/console/feed.js';
import { MemoryJournalLog } from '../../src/console/memory-journal-log.js';

const T = new Date('2024-04-20T12:00:00Z');
function entry(path: string): JournalEntry {
  return { seq: 1, time: T.toISOString(), api: 'norcap', operation: 'listDistributions', method: 'GET', path, status: 200, duration_ms: 1, matched_contract: true, problems: [], failure: null, fault: null };
}
const paths = (items: readonly FeedItem[]) => items.filter((i) => i.event === 'request').map((i) => (JSON.parse(i.data) as { path: string }).path);

/** Two instances of one workspace, as the journal, coverage and feed of each see the one log they share. */
function twoInstances() {
  const clock = new SandboxClock({ frozenAt: T });
  const log = new MemoryJournalLog(10, () => clock.now(), 1_000_000);
  const instance = () => {
    const journal = new RequestJournal(10);
    const coverage = new CoverageTracker(['norcap'], clock);
    journal.share(log);
    coverage.share(log);
    return { journal, coverage, feed: new ConsoleFeed(journal, () => clock.now()) };
  };
  return { log, a: instance(), b: instance() };
}

describe('a journal, coverage and console feed shared through one log', () => {
  test("what B records is numbered by the log and listed by A's journal and fed to A's consoles; nothing before the log writes", async () => {
    const { log, a, b } = twoInstances();
    const seen: FeedItem[] = [];
    a.feed.subscribe({ send: (items) => (seen.push(...items), true) }, undefined, () => undefined);
    const heard: string[] = [];
    a.journal.subscribe({ recorded: (e) => heard.push(`${e.seq} ${e.path}`), cleared: () => heard.push('cleared') });
    b.journal.record(entry('/b1'));
    a.journal.record(entry('/a1'));
    expect(a.journal.list().entries).toEqual([]); // recording only queued
    await log.sync();
    expect(a.journal.list().entries.map((e) => `${e.seq} ${e.path}`)).toEqual(['2 /a1', '1 /b1']);
    expect(b.journal.list().entries.map((e) => `${e.seq} ${e.path}`)).toEqual(['2 /a1', '1 /b1']);
    expect(paths(seen)).toEqual(['/b1', '/a1']);
    expect(heard).toEqual(['1 /b1', '2 /a1']); // a journal's listeners hear every instance's rows, as numbered
    expect(seen.map((item) => a.feed.idOf(item))).toEqual([`${log.epoch}.1`, `${log.epoch}.2`]);
    expect(b.feed.items().map((item) => b.feed.idOf(item))).toEqual([`${log.epoch}.1`, `${log.epoch}.2`]); // one numbering
    b.journal.clear();
    await log.sync();
    expect(heard.at(-1)).toBe('cleared');
  });

  test('a console resumes on the other instance after its last id: none lost, none twice, even past what that instance has read', async () => {
    const { log, a, b } = twoInstances();
    a.journal.record(entry('/1'));
    await log.sync();
    const last = a.feed.idOf(a.feed.items()[0] as FeedItem);
    b.journal.record(entry('/2'));
    await log.sync();
    const resumed: FeedItem[] = [];
    let plan: { fresh: boolean; gap: number } | undefined;
    b.feed.subscribe({ send: (items) => (resumed.push(...items), true) }, last, (p) => (plan = p));
    expect(plan).toEqual({ fresh: false, gap: 0 });
    expect(paths(resumed)).toEqual(['/2']);

    // An id this instance has not read yet (another instance's newest): only what comes after it.
    const ahead: FeedItem[] = [];
    b.feed.subscribe({ send: (items) => (ahead.push(...items), true) }, `${log.epoch}.3`, () => undefined);
    a.journal.record(entry('/3'));
    a.journal.record(entry('/4'));
    await log.sync();
    expect(paths(ahead)).toEqual(['/4']);
  });

  test("a clear on A empties B's journal and hides its console rows; what is served after stays", async () => {
    const { log, a, b } = twoInstances();
    b.journal.record(entry('/old'));
    await log.sync();
    a.journal.clear();
    b.journal.record(entry('/new'));
    await log.sync();
    expect(b.journal.list().entries.map((e) => e.path)).toEqual(['/new']);
    expect(a.journal.list().entries.map((e) => e.path)).toEqual(['/new']);
    expect(paths(b.feed.items())).toEqual(['/new']);
    expect(b.feed.timeline().map((event) => event.kind)).toEqual(['cleared']);
  });

  test("coverage counts every instance's requests; a reset on one zeroes it for both", async () => {
    const { a, b } = twoInstances();
    const list = OperationIndex.for('norcap').match('GET', '/v3/custody/distributions');
    if (!list) throw new Error('listDistributions is documented');
    a.coverage.record(list, 200);
    b.coverage.record(list, 200);
    b.coverage.record(list, 400);
    await a.coverage.sync();
    const listed = a.coverage.report().apis.norcap?.operations.find((op) => op.operationId === 'listDistributions');
    expect(listed).toMatchObject({ calls: 3, statuses: expect.objectContaining({ '200': 2, '400': 1 }) });
    b.coverage.reset();
    await a.coverage.sync();
    expect(a.coverage.report().summary.operations_exercised).toBe(0);
  });
});
