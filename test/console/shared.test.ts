import { afterAll, beforeAll, expect, test } from '@jest/globals';
import request from 'supertest';
import { createSandbox, type Sandbox } from '../../src/sandbox.js';
import { keyOf, newWorkspace, norcapAuthOf } from '../workspaces/helpers.js';
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

  test('rows served on both instances at once reach every console in one order: none lost, none twice', async () => {
    const onA = new StreamReader(`${urlA}/console/stream`);
    const onB = new StreamReader(`${urlB}/console/stream`);
    await Promise.all([onA.opened, onB.opened]);
    await Promise.all([onA.next((e) => e.event === 'hello'), onB.next((e) => e.event === 'hello')]);
    const queries = Array.from({ length: 24 }, (_, i) => `?limit=${i + 10}`);
    const answers = await Promise.all(queries.map((query, i) => norcap(i % 2 === 0 ? urlA : urlB, { query })));
    expect(answers.map((res) => res.status)).toEqual(queries.map(() => 200));
    const sent = new Set(queries);
    const ofOurs = (reader: StreamReader) =>
      reader.events.filter((e) => e.event === 'request' && sent.has((JSON.parse(e.data) as { query: string }).query)).map((e) => `${String(e.id)} ${(JSON.parse(e.data) as { query: string }).query}`);
    for (const reader of [onA, onB]) for (const query of queries) await reader.row((r) => r.query === query);
    expect(ofOurs(onA)).toHaveLength(24);
    expect(ofOurs(onB)).toEqual(ofOurs(onA));
    const ids = ofOurs(onA).map((line) => Number(line.split(' ')[0]?.split('.')[1]));
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    onA.close();
    onB.close();
  });

  test("a workspace made on A: B serves it, A's console of that workspace shows it, the default workspace's does not", async () => {
    const ws = await newWorkspace(a);
    const signed = await request(a.app).post('/console/session').send({ key: ws.key });
    expect(signed.status).toBe(200);
    const cookie = String(([] as string[]).concat(signed.headers['set-cookie'] ?? []).find((c) => c.startsWith('sandbox_console=')) ?? '').split(';')[0] as string;
    const stream = new StreamReader(`${urlA}/console/stream`, { Cookie: cookie });
    await stream.opened;
    expect(JSON.parse((await stream.next((e) => e.event === 'hello')).data)).toMatchObject({ workspace: ws.id });
    const defaultStream = new StreamReader(`${urlA}/console/stream`);
    await defaultStream.opened;

    const defaultTotal = (await json(urlA, '/_sandbox/requests')).body.total;
    const served = await request(b.app).get(`${LIST}?limit=7`).set('Authorization', norcapAuthOf(ws));
    expect(served.status).toBe(200);
    expect(await stream.row((r) => r.query === '?limit=7')).toMatchObject({ status: 200, path: LIST });
    const journal = await request(a.app).get('/_sandbox/requests').set('Authorization', keyOf(ws));
    expect(journal.status).toBe(200);
    expect((journal.body.entries as Entry[]).map((e) => `${e.method} ${e.path} ${e.status}`)).toEqual([`GET ${LIST} 200`]);
    // The default workspace's own journal (its console's too) has no row of the other workspace.
    expect((await json(urlA, '/_sandbox/requests')).body.total).toBe(defaultTotal);
    expect(defaultStream.events.filter((e) => e.event === 'request' && (JSON.parse(e.data) as { query: string }).query === '?limit=7')).toEqual([]);
    stream.close();
    defaultStream.close();
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
