import { afterAll, beforeAll, expect, test } from '@jest/globals';
import request from 'supertest';
import { createSandbox, type Sandbox } from '../../src/sandbox.js';
import { expectContract, T0 } from '../support/harness.js';
import { describePostgres, testSchema, type TestSchema } from '../support/postgres.js';

// Under --database a GET reads its record in the statement that reads the shared state, before
// any step runs (src/core/store/read-ahead.ts). What it read must never be staler than what the
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
});
