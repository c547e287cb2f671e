import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { createSandbox, type Sandbox } from '../../src/sandbox.js';
import { describePostgres, testSchema, withAdmin, type TestSchema } from '../support/postgres.js';
import { StreamReader } from './helpers.js';

const NORCAP = 'Bearer sandbox:sandbox_api_key';
const LIST = '/v3/custody/distributions';
const create = { newDistributions: [{ brokerageAccountId: 'NC95156', amountCents: 1234, accountId: 'A1234567890' }] };

/**
 * Two instances on one --database, as two servers behind one URL: the console of a workspace
 * shows what either served, live, in one order, whichever instance the console is connected to.
 */
describePostgres('two instances behind one URL feed one workspace console', () => {
  let schema: TestSchema;
  let a: Sandbox;
  let b: Sandbox;
  let urlA: string;
  let urlB: string;

  beforeAll(async () => {
    schema = testSchema();
    [a, b] = await Promise.all([0, 1].map(() => createSandbox({ seed: 1, database: schema.url, databaseSchema: schema.name }))) as [Sandbox, Sandbox];
    [urlA, urlB] = await Promise.all([a.start(0), b.start(0)]);
  });
  afterAll(async () => {
    await Promise.all([a.stop(), b.stop()]);
    await schema.drop();
  });

  const norcap = (url: string, init: { method?: string; body?: unknown; query?: string } = {}): Promise<Response> =>
    fetch(`${url}${LIST}${init.query ?? ''}`, {
      method: init.method ?? 'GET',
      headers: { Authorization: NORCAP, 'Content-Type': 'application/json' },
      ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
    });
  const json = async (url: string, path: string, method = 'GET', body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> => {
    const res = await fetch(`${url}${path}`, { method, headers: { 'Content-Type': 'application/json' }, ...(body !== undefined && { body: JSON.stringify(body) }) });
    return { status: res.status, body: res.status === 204 ? {} : ((await res.json()) as Record<string, unknown>) };
  };
  type Entry = { seq: number; method: string; path: string; status: number };

  test("a request served by B appears live in A's console stream, in A's GET /_sandbox/requests, and in the coverage of both", async () => {
    const stream = new StreamReader(`${urlA}/console/stream`);
    await stream.opened;
    expect(stream.status).toBe(200);
    await stream.next((e) => e.event === 'hello');

    expect((await norcap(urlB, { method: 'POST', body: create })).status).toBe(200);
    const row = await stream.row((r) => r.method === 'POST' && r.status === 200);
    expect(row).toMatchObject({ api: 'norcap', operation: 'createDistributions', path: LIST, matched_contract: true });
    // The detail of B's row opens on A, under the same number.
    const detail = await json(urlA, `/console/requests/${String(row.seq)}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ seq: row.seq, method: 'POST', request: { body: { value: create } } });

    expect((await norcap(urlA, { query: '?limit=1' })).status).toBe(200);
    await stream.row((r) => r.method === 'GET' && r.status === 200);

    for (const url of [urlA, urlB]) {
      const journal = await json(url, '/_sandbox/requests');
      expect(journal.status).toBe(200);
      const entries = journal.body.entries as Entry[];
      expect(entries.map((e) => `${e.method} ${e.path} ${e.status}`)).toEqual([`GET ${LIST} 200`, `POST ${LIST} 200`]);
      expect(entries[1]?.seq).toBe(row.seq);
      expect(Object.keys(entries[0] ?? {}).sort()).toEqual(['api', 'duration_ms', 'failure', 'fault', 'matched_contract', 'method', 'operation', 'path', 'problems', 'seq', 'status', 'time']);

      const coverage = await json(url, '/_sandbox/coverage');
      expect(coverage.status).toBe(200);
      const ops = (coverage.body.apis as { norcap: { operations: { operationId: string; calls: number; statuses: Record<string, number> }[] } }).norcap.operations;
      expect(ops.find((op) => op.operationId === 'createDistributions')).toMatchObject({ calls: 1, statuses: expect.objectContaining({ '200': 1 }) });
      expect(ops.find((op) => op.operationId === 'listDistributions')).toMatchObject({ calls: 1, statuses: expect.objectContaining({ '200': 1 }) });
    }
    stream.close();
  });

  test('a console that reconnects to the other instance resumes after its last event: none lost, none twice', async () => {
    const stream = new StreamReader(`${urlA}/console/stream`);
    await stream.opened;
    await stream.next((e) => e.event === 'hello');
    expect((await norcap(urlA, { query: '?limit=2' })).status).toBe(200);
    await stream.row((r) => r.method === 'GET' && r.status === 200 && r.query === '?limit=2');
    const lastId = stream.lastId as string;
    stream.close();

    // While away: one on each instance. The reconnect lands on B.
    expect((await norcap(urlB, { query: '?limit=3' })).status).toBe(200);
    expect((await norcap(urlA, { query: '?limit=4' })).status).toBe(200);
    const resumed = new StreamReader(`${urlB}/console/stream`, { 'Last-Event-ID': lastId });
    await resumed.opened;
    expect(JSON.parse((await resumed.next((e) => e.event === 'hello')).data)).toMatchObject({ fresh: false, gap: 0 });
    await resumed.row((r) => r.query === '?limit=4');
    const rows = resumed.events.filter((e) => e.event === 'request').map((e) => (JSON.parse(e.data) as { query: string }).query);
    expect(rows).toEqual(['?limit=3', '?limit=4']);
    // Ids are the database's: the same row has the same id on either instance.
    const ids = resumed.events.filter((e) => e.event === 'request').map((e) => e.id);
    const onA = new StreamReader(`${urlA}/console/stream`, { 'Last-Event-ID': lastId });
    await onA.opened;
    await onA.row((r) => r.query === '?limit=4');
    expect(onA.events.filter((e) => e.event === 'request').map((e) => e.id)).toEqual(ids);
    resumed.close();
    onA.close();
  });

  test('no secret reaches the shared table: rows are masked before they are stored', async () => {
    expect((await norcap(urlB, { method: 'POST', body: create })).status).toBe(200);
    await json(urlB, '/_sandbox/requests'); // B's batch is written
    const stored = await withAdmin((client) => client.query<{ data: string }>('SELECT data::text AS data FROM console_rows'), schema.name);
    expect(stored.rows.length).toBeGreaterThan(0);
    for (const { data } of stored.rows) expect(data).not.toContain('sandbox_api_key');
  });

  test('freezing the clock from the console of A freezes it on B; unfreezing too', async () => {
    expect((await json(urlB, '/_sandbox/clock')).body.frozen).toBe(false);
    const frozen = await json(urlA, '/console/clock', 'POST', { frozen: true });
    expect(frozen).toMatchObject({ status: 200, body: { frozen: true } });
    const onB = await json(urlB, '/_sandbox/clock');
    expect(onB.body).toMatchObject({ frozen: true, now: frozen.body.now });
    // Still frozen on A after its next refresh from the database.
    expect((await json(urlA, '/_sandbox/clock')).body).toMatchObject({ frozen: true, now: frozen.body.now });

    const running = await json(urlA, '/console/clock', 'POST', { frozen: false });
    expect(running).toMatchObject({ status: 200, body: { frozen: false } });
    expect((await json(urlB, '/_sandbox/clock')).body.frozen).toBe(false);
  });

  test("clearing the journal on A clears it on B, in B's console too; a reset on B clears A's, and coverage", async () => {
    expect((await norcap(urlB, { query: '?limit=5' })).status).toBe(200);
    const stream = new StreamReader(`${urlB}/console/stream`);
    await stream.opened;
    await stream.row((r) => r.query === '?limit=5');

    expect((await json(urlA, '/_sandbox/requests', 'DELETE')).status).toBe(204);
    const cleared = await stream.next((e) => e.event === 'timeline' && (JSON.parse(e.data) as { kind: string }).kind === 'cleared');
    expect(JSON.parse(cleared.data)).toMatchObject({ kind: 'cleared' });
    expect((await json(urlB, '/_sandbox/requests')).body).toMatchObject({ entries: [], total: 0 });
    expect((await json(urlA, '/_sandbox/requests')).body).toMatchObject({ entries: [], total: 0 });
    expect((await json(urlB, '/console/export')).body.requests).toEqual([]);

    // Served after the clear: kept.
    expect((await norcap(urlA, { query: '?limit=6' })).status).toBe(200);
    await stream.row((r) => r.query === '?limit=6');
    expect(((await json(urlB, '/_sandbox/requests')).body.entries as Entry[]).map((e) => e.status)).toEqual([200]);

    expect((await json(urlB, '/_sandbox/reset', 'POST')).status).toBe(200);
    for (const url of [urlA, urlB]) {
      expect((await json(url, '/_sandbox/requests')).body).toMatchObject({ entries: [], total: 0 });
      expect(((await json(url, '/_sandbox/coverage')).body.summary as { operations_exercised: number }).operations_exercised).toBe(0);
    }
    stream.close();
  });
});
