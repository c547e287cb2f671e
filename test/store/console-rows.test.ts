import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import { PostgresWorkspaces } from '../../src/backends/postgres/workspaces.js';
import { SandboxClock } from '../../src/core/clock.js';
import { TIMELINE_ROOM } from '../../src/control-plane/shared-journal.js';
import { describePostgres, testSchema, withAdmin, type TestSchema } from '../support/postgres.js';

/** The shared console log's table (migration 5) as PostgresConsoleRows keeps it. */
describePostgres('PostgresConsoleRows: the shared journal table', () => {
  let schema: TestSchema;
  let pg: PostgresWorkspaces;
  const clock = new SandboxClock({ frozenAt: new Date('2024-04-20T12:00:00Z') });
  const count = async (workspace: string): Promise<{ n: number; min: number; max: number }> => {
    const { rows } = await withAdmin((client) => client.query<{ n: string; min: string; max: string }>('SELECT count(*) AS n, min(id) AS min, max(id) AS max FROM console_rows WHERE workspace = $1', [workspace]), schema.name);
    return { n: Number(rows[0]?.n), min: Number(rows[0]?.min), max: Number(rows[0]?.max) };
  };

  beforeAll(async () => {
    schema = testSchema();
    pg = await PostgresWorkspaces.open({ url: schema.url, schema: schema.name });
  });
  afterAll(async () => {
    await pg.close();
    await schema.drop();
  });

  test('bounded per workspace by the statement that grows it: the newest capacity + 256 rows stay, another workspace keeps its own', async () => {
    const small = await pg.openJournal('bounded', { capacity: 3, clock });
    const other = await pg.openJournal('neighbour', { capacity: 3, clock });
    for (let i = 0; i < 5; i++) other.appendTimeline({ kind: 'reset', time: clock.now().toISOString() });
    await other.sync();
    const bound = 3 + TIMELINE_ROOM;
    for (let batch = 0; batch < 3; batch++) {
      for (let i = 0; i < 150; i++) small.appendTimeline({ kind: 'reset', time: clock.now().toISOString() });
      await small.sync();
      const stored = await count('bounded');
      expect(stored.n).toBeLessThanOrEqual(bound);
      expect(stored.max - stored.min + 1).toBe(stored.n); // the newest, without a hole
    }
    expect((await count('bounded')).n).toBe(bound);
    expect(small.rows()).toHaveLength(bound);
    expect(small.rows().at(-1)?.id).toBe((await count('bounded')).max);
    expect((await count('neighbour')).n).toBe(5);
    await small.close();
    await other.close();
  });

  test("coverage counts add up across logs; a reset is a new generation: only what is counted after it shows, the old rows are gone", async () => {
    const one = await pg.openJournal('counts', { capacity: 10, clock });
    const two = await pg.openJournal('counts', { capacity: 10, clock });
    one.count('norcap', 'listDistributions', '200');
    two.count('norcap', 'listDistributions', '200');
    two.count('norcap', 'listDistributions', '400');
    await Promise.all([one.sync(), two.sync()]);
    const sorted = async () => (await one.coverage()).map((c) => `${c.operationId} ${c.status} ${c.n}`).sort();
    expect(await sorted()).toEqual(['listDistributions 200 2', 'listDistributions 400 1']);

    two.resetCoverage();
    one.count('norcap', 'createDistributions', '200');
    await two.sync();
    await one.sync();
    expect(await sorted()).toEqual(['createDistributions 200 1']);
    const stored = await withAdmin((client) => client.query<{ n: string }>(`SELECT count(*) AS n FROM console_coverage WHERE workspace = 'counts'`), schema.name);
    expect(Number(stored.rows[0]?.n)).toBe(1);
    await one.close();
    await two.close();
  });

  test('two logs of one workspace (two instances) read one numbering; a clear says through which row', async () => {
    const one = await pg.openJournal('pair', { capacity: 10, clock });
    const two = await pg.openJournal('pair', { capacity: 10, clock });
    expect(two.epoch).toBe(one.epoch);
    one.appendTimeline({ kind: 'reset', time: 'one' });
    two.appendTimeline({ kind: 'reset', time: 'two' });
    await Promise.all([one.sync(), two.sync()]);
    await Promise.all([one.sync(), two.sync()]); // each reads what the other wrote
    const view = (log: typeof one) => log.rows().map((row) => `${row.id} ${String(row.value.time)}`);
    expect(view(one)).toHaveLength(2);
    expect(view(two)).toEqual(view(one));

    one.clear();
    await one.sync();
    await two.sync();
    const cleared = two.rows().at(-1);
    expect(cleared?.value).toMatchObject({ kind: 'cleared', through: one.rows().at(-2)?.id });
    await one.close();
    await two.close();
  });

  test("a request answered before another instance's clear is gone with it, though its batch is written after the clear; one answered in its millisecond or after stays", async () => {
    const one = await pg.openJournal('late', { capacity: 10, clock });
    const two = await pg.openJournal('late', { capacity: 10, clock });
    const entry = (path: string) => ({ seq: 0, time: clock.now().toISOString(), api: 'norcap' as const, operation: 'listDistributions', method: 'GET', path, status: 200, duration_ms: 1, matched_contract: true, problems: [], failure: null, fault: null });
    /** Runs `act` with the wall clock (what a row's and a clear's instant are read from) at `ms`. */
    const at = (ms: number, act: () => void) => {
      const now = jest.spyOn(Date, 'now').mockReturnValue(ms);
      try {
        act();
      } finally {
        now.mockRestore();
      }
    };
    const T = 1_800_000_000_000;
    at(T, () => one.appendRequest(entry('/before'), undefined)); // queued: its batch waits for batchMs
    at(T + 1, () => two.clear()); // written at once
    await two.sync();
    at(T + 1, () => one.appendRequest(entry('/same-millisecond'), undefined));
    at(T + 2, () => one.appendRequest(entry('/after\nwith a newline'), undefined)); // rows go one a line: JSON escapes it
    await one.sync(); // all three in one batch, after the clear
    await two.sync();
    const { rows } = await withAdmin((client) => client.query<{ kind: string; data: { path?: string; kind?: string } }>(`SELECT kind, data FROM console_rows WHERE workspace = 'late' ORDER BY id`), schema.name);
    const expected = ['cleared', '/same-millisecond', '/after\nwith a newline'];
    expect(rows.map((row) => (row.kind === 'request' ? row.data.path : row.data.kind))).toEqual(expected);
    for (const log of [one, two]) expect(log.rows().map((row) => (row.kind === 'request' ? row.value.path : row.value.kind))).toEqual(expected);
    await one.close();
    await two.close();
  });

  test("a clear takes every request row written before it, also another instance's this one has not read yet", async () => {
    const one = await pg.openJournal('unread', { capacity: 10, clock });
    one.appendTimeline({ kind: 'reset', time: 'before' });
    await one.sync();
    // Another instance's request row, numbered and stored, whose notification has not reached
    // this one (written here without NOTIFY: deterministically unread).
    await withAdmin(
      (client) =>
        client.query(
          `WITH head AS (UPDATE console_heads SET last = last + 1 WHERE workspace = 'unread' RETURNING last)
           INSERT INTO console_rows (workspace, id, kind, data) SELECT 'unread', last, 'request', '{"path":"/elsewhere"}'::json FROM head`,
        ),
      schema.name,
    );
    const unread = (await count('unread')).max;
    one.clear();
    await one.sync();
    const { rows } = await withAdmin((client) => client.query<{ id: string; kind: string; data: { kind?: string; through?: number } }>(`SELECT id, kind, data FROM console_rows WHERE workspace = 'unread' ORDER BY id`), schema.name);
    expect(rows.filter((row) => row.kind === 'request')).toEqual([]);
    const cleared = rows.at(-1);
    expect(cleared?.data).toMatchObject({ kind: 'cleared', through: unread });
    expect(Number(cleared?.id)).toBe(unread + 1);
    // What this instance shows and hands its console says the same.
    expect(one.rows().filter((row) => row.kind === 'request')).toEqual([]);
    expect(one.rows().at(-1)?.value).toMatchObject({ kind: 'cleared', through: unread });
    await one.close();
  });
});
