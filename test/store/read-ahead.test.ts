import { afterAll, beforeAll, expect, test } from '@jest/globals';
import request from 'supertest';
import { createSandbox, type Sandbox } from '../../src/sandbox.js';
import { expectContract, T0 } from '../support/harness.js';
import { distributionItem, ENTITY_2, VEHICLE_1 } from '../nova/helpers.js';
import { describePostgres, testSchema, type TestSchema } from '../support/postgres.js';

// Under --database a GET reads its record, and a list its page, in the statement that reads the
// shared state, before any step runs (src/core/store/read-ahead.ts). What it read must never be staler than what the
// store would have answered when the handler ran: a latency fault holds a request back, and
// the distribution may move meanwhile.

const NORCAP = { Authorization: 'Bearer sandbox:sandbox_api_key' };
const PATH = '/v3/custody/distributions';

describePostgres('read-ahead on PostgreSQL', () => {
  let schema: TestSchema;
  let sb: Sandbox;
  /** Runs while a latency fault holds a request (the sandbox's `sleep`): no real wait. */
  let duringDelay: () => Promise<void> = async () => {};

  beforeAll(async () => {
    schema = testSchema();
    sb = await createSandbox({ seed: 1, frozenAt: T0, database: schema.url, databaseSchema: schema.name, sleep: () => duringDelay() });
  });
  afterAll(async () => {
    await sb.stop();
    await schema.drop();
  });

  async function createOne(): Promise<string> {
    const created = await request(sb.app).post(PATH).set(NORCAP).send({ newDistributions: [{ brokerageAccountId: 'NC95156', amountCents: 100, accountId: 'A1234567890' }] });
    expect(created.status).toBe(200);
    return created.body.distributions[0].id as string;
  }

  test('a GET answers its record as it is when the handler runs, also after a latency fault held it while the record moved', async () => {
    const id = await createOne();
    const plain = await request(sb.app).get(`${PATH}/${id}`).set(NORCAP);
    expectContract('norcap', plain);
    expect(plain.body.distribution).toMatchObject({ id, status: 'pending' });

    const armed = await request(sb.app).post('/_sandbox/faults').send({ method: 'GET', path: `${PATH}/${id}`, latency_ms: 500 });
    expect(armed.status).toBe(201);
    duringDelay = async () => {
      const moved = await request(sb.app).post(`/_sandbox/norcap/distributions/${id}/status`).send({ status: 'processing' });
      expect(moved.status).toBe(200);
    };
    const held = await request(sb.app).get(`${PATH}/${id}`).set(NORCAP);
    duringDelay = async () => {};
    expectContract('norcap', held);
    expect(held.status).toBe(200);
    expect(held.body.distribution).toMatchObject({ id, status: 'processing' });
  });

  test('a GET finds a record created just before it; an unknown id is 404 in the NorCap envelope', async () => {
    const id = await createOne();
    const found = await request(sb.app).get(`${PATH}/${id}`).set(NORCAP);
    expect(found.status).toBe(200);
    const missing = await request(sb.app).get(`${PATH}/00000000-0000-4000-8000-000000000000`).set(NORCAP);
    expectContract('norcap', missing);
    expect(missing.status).toBe(404);
  });

  test('a list answers its page as it is when the handler runs, also after a latency fault held it while a distribution was created', async () => {
    const before = await request(sb.app).get(`${PATH}?sort=createdAt:desc&limit=500`).set(NORCAP);
    expect(before.status).toBe(200);
    const total = before.body.pagination.totalRecords as number;
    await request(sb.app).post('/_sandbox/faults').send({ method: 'GET', path: PATH, latency_ms: 500 }).expect(201);
    let created = '';
    duringDelay = async () => {
      created = await createOne();
    };
    const held = await request(sb.app).get(`${PATH}?sort=createdAt:desc&limit=500`).set(NORCAP);
    duringDelay = async () => {};
    expectContract('norcap', held);
    expect(held.body.pagination.totalRecords).toBe(total + 1);
    expect(held.body.custody_distributions.map((d: { id: string }) => d.id)).toContain(created);
  });

  test('a list read ahead pages as the store does: offsets, newest first, and queries the forecast cannot read (a filter, a bad limit)', async () => {
    const ids = [await createOne(), await createOne(), await createOne()];
    const all = await request(sb.app).get(`${PATH}?limit=500`).set(NORCAP);
    const order = all.body.custody_distributions.map((d: { id: string }) => d.id) as string[];
    expect(order.slice(-3)).toEqual(ids);
    const total = all.body.pagination.totalRecords as number;

    const oldest = await request(sb.app).get(`${PATH}?limit=2&offset=${total - 3}`).set(NORCAP);
    expectContract('norcap', oldest);
    expect(oldest.body.custody_distributions.map((d: { id: string }) => d.id)).toEqual(ids.slice(0, 2));
    expect(oldest.body.pagination).toEqual({ totalRecords: total, startIndex: total - 3, endIndex: total - 1 });

    // The same pages through the list's other path (a filter every record passes: a scan and a
    // stable sort, nothing read ahead) are the oracle.
    const scanned = async (q: string) => (await request(sb.app).get(`${PATH}?${q}&filter[amountCents][min]=0`).set(NORCAP)).body;
    expect(oldest.body).toEqual(await scanned(`limit=2&offset=${total - 3}`));
    const newest = await request(sb.app).get(`${PATH}?limit=2&offset=1&sort=createdAt:desc`).set(NORCAP);
    expectContract('norcap', newest);
    expect(newest.body.pagination).toEqual({ totalRecords: total, startIndex: 1, endIndex: 3 });
    expect(newest.body).toEqual(await scanned('limit=2&offset=1&sort=createdAt:desc'));
    expect(newest.body.custody_distributions).toHaveLength(2);

    const filtered = await request(sb.app).get(`${PATH}?limit=500&filter[status]=pending`).set(NORCAP);
    expectContract('norcap', filtered);
    expect(filtered.body.custody_distributions.map((d: { id: string }) => d.id)).toEqual(expect.arrayContaining(ids));

    const bad = await request(sb.app).get(`${PATH}?limit=abc`).set(NORCAP);
    expectContract('norcap', bad);
    expect(bad.status).toBe(400);
    // Another client's forecast owner is its own: it never sees these.
    const unauthenticated = await request(sb.app).get(`${PATH}?limit=5`).set({ Authorization: 'Bearer nobody:wrong' });
    expectContract('norcap', unauthenticated);
    expect(unauthenticated.status).toBe(401);
  });

  test('a keyed Nova batch reads its references with the claim: another organization\'s entity is still 404, a malformed body 400, and a good one lands once', async () => {
    const issued = await request(sb.app).post('/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: 'sandbox_client', client_secret: 'sandbox_secret' });
    const nova = { Authorization: `Bearer ${issued.body.access_token as string}` };
    const before = await request(sb.app).get('/v1/distributions?limit=100').set(nova);

    const foreign = await request(sb.app).post('/v1/distributions').set(nova).set('Idempotency-Key', 'ahead-foreign').send([distributionItem({}, VEHICLE_1, ENTITY_2)]);
    expectContract('nova', foreign);
    expect(foreign.status).toBe(404);
    expect(foreign.body.error).toMatchObject({ code: 'resource_missing' });

    const malformed = await request(sb.app).post('/v1/distributions').set(nova).set('Idempotency-Key', 'ahead-malformed').send([{ vehicle: 7, payments: 'x' }]);
    expectContract('nova', malformed);
    expect(malformed.status).toBe(400);

    const good = await request(sb.app).post('/v1/distributions').set(nova).set('Idempotency-Key', 'ahead-good').send([distributionItem()]);
    expectContract('nova', good);
    expect(good.status).toBe(201);
    const replay = await request(sb.app).post('/v1/distributions').set(nova).set('Idempotency-Key', 'ahead-good').send([distributionItem()]);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(good.body);
    const after = await request(sb.app).get('/v1/distributions?limit=100').set(nova);
    expect(after.body.data.length).toBe(before.body.data.length + 1);
  });
});
