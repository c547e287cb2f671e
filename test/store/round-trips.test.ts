import { afterAll, beforeAll, expect, test } from '@jest/globals';
import request from 'supertest';
import { CONSOLE_APPLICATION_NAME } from '../../src/backends/postgres/console-channel.js';
import { createSandbox, type Sandbox } from '../../src/sandbox.js';
import { CONTACT_1, distributionItem } from '../nova/helpers.js';
import { T0 } from '../support/harness.js';
import { describePostgres, recordStatements, testSchema, type TestSchema } from '../support/postgres.js';

// How many round trips to PostgreSQL each operation makes: every query a pooled client sends is
// one (node-postgres does not pipeline), counted at pg.Client.prototype.query, which the pool's
// clients and pool.query both go through. A deterministic figure, not a timing: a change that
// adds a statement to a hot path fails here. The budgets are the targets: a read is 1,
// a write at most 2 (a keyed create too: its claim comes with the shared state, KeyClaimAhead).

let recorder: ReturnType<typeof recordStatements> | undefined;
/** What the request pool sent since the last reset: the console's own connection writes the journal behind, off the request path. */
const poolStatements = (): string[] => (recorder?.sent ?? []).filter((s) => s.app !== CONSOLE_APPLICATION_NAME).map((s) => s.text);

describePostgres('round trips per operation on PostgreSQL', () => {
  let schema: TestSchema;
  let sb: Sandbox;
  let token: string;
  let norcapId: string;
  let contactId: string;

  beforeAll(async () => {
    schema = testSchema();
    sb = await createSandbox({ seed: 1, frozenAt: T0, database: schema.url, databaseSchema: schema.name });
    const issued = await request(sb.app).post('/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: 'sandbox_client', client_secret: 'sandbox_secret' });
    token = issued.body.access_token as string;
    const created = await request(sb.app).post('/v3/custody/distributions').set('Authorization', 'Bearer sandbox:sandbox_api_key').send({ newDistributions: [{ brokerageAccountId: 'NC95156', amountCents: 100, accountId: 'A1234567890' }] });
    norcapId = created.body.distributions[0].id as string;
    contactId = CONTACT_1;
    // Every query any client sends from here on is counted.
    recorder = recordStatements();
  });
  afterAll(async () => {
    recorder?.stop();
    await sb.stop();
    await schema.drop();
  });

  /** Runs `send` twice (the first warms caches, as a steady stream of requests does) and counts the second. */
  async function roundTrips(send: () => Promise<request.Response>, status: number): Promise<number> {
    expect((await send()).status).toBe(status);
    if (recorder) recorder.sent.length = 0;
    const res = await send();
    expect(res.status).toBe(status);
    return poolStatements().length;
  }

  const norcap = () => ({ Authorization: 'Bearer sandbox:sandbox_api_key' });
  const nova = () => ({ Authorization: `Bearer ${token}` });
  let key = 0;

  // [name, status, budget (round trips), request]
  test.each([
    ['NorCap GET by id', 200, 1, () => request(sb.app).get(`/v3/custody/distributions/${norcapId}`).set(norcap())],
    ['NorCap list', 200, 1, () => request(sb.app).get('/v3/custody/distributions?limit=10').set(norcap())],
    ['NorCap list, newest first, offset', 200, 1, () => request(sb.app).get('/v3/custody/distributions?limit=2&offset=1&sort=createdAt:desc').set(norcap())],
    ['NorCap create', 200, 1, () => request(sb.app).post('/v3/custody/distributions').set(norcap()).send({ newDistributions: [{ brokerageAccountId: 'NC95156', amountCents: 100, accountId: 'A1234567890' }] })],
    ['Nova token', 200, 1, () => request(sb.app).post('/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: 'multi_org_client', client_secret: 'multi_org_secret' })],
    ['Nova GET by id', 200, 1, () => request(sb.app).get(`/v1/contacts/${contactId}`).set(nova())],
    ['Nova list', 200, 1, () => request(sb.app).get('/v1/contacts?limit=5').set(nova())],
    ['Nova list, X-Organization-Id and a cursor', 200, 1, () => request(sb.app).get(`/v1/contacts?limit=1&starting_after=${contactId}`).set(nova()).set('X-Organization-Id', 'org_Xk7d2pQR9m3nBwYz')],
    ['Nova create, no key', 201, 2, () => request(sb.app).post('/v1/contacts').set(nova()).send([{ name: 'Bo', email: 'bo@example.com' }])],
    ['Nova distributions create, no key (vehicle, entity, contact read with the shared state)', 201, 2, () => request(sb.app).post('/v1/distributions').set(nova()).send([distributionItem()])],
    ['Nova distributions create, fresh key (its references and its claim with the shared state)', 201, 2, () => request(sb.app).post('/v1/distributions').set(nova()).set('Idempotency-Key', `d-${key++}`).send([distributionItem()])],
    ['Nova create, fresh key (claimed with the shared state)', 201, 2, () => request(sb.app).post('/v1/contacts').set(nova()).set('Idempotency-Key', `k-${key++}`).send([{ name: 'Cy', email: 'cy@example.com' }])],
  ] as const)('%s (%i): at most %i round trips', async (_name, status, budget, send) => {
    const count = await roundTrips(send, status);
    // Over budget: the statements themselves, so the failure shows which one was added.
    if (count > budget) throw new Error(`${count} round trips, budget ${budget}:\n${poolStatements().map((text) => text.replace(/\s+/g, ' ').slice(0, 120)).join('\n')}`);
    expect(count).toBeGreaterThan(0); // a recorder that saw nothing would meet every budget
    expect(count).toBeLessThanOrEqual(budget);
    // Every statement with parameters goes as a named prepared statement (parsed and planned
    // once per connection), the commit (`sandbox_commit`) too.
    const unnamed = (recorder?.sent ?? []).filter((s) => s.app !== CONSOLE_APPLICATION_NAME && s.parameterized && s.name === undefined);
    expect(unnamed.map((s) => s.text.slice(0, 80))).toEqual([]);
  });

  test('what a token settled is remembered per app: on a second sandbox in this process its first keyed create claims on its own, the next ahead (2 round trips)', async () => {
    const second = await createSandbox({ seed: 1, frozenAt: T0, database: schema.url, databaseSchema: schema.name });
    try {
      const keyed = () => request(second.app).post('/v1/contacts').set(nova()).set('Idempotency-Key', `other-app-${key++}`).send([{ name: 'Di', email: 'di@example.com' }]);
      // The token is settled in the first sandbox's app (the tests above), never in this one's.
      const claimedOnItsOwn = () => poolStatements().some((text) => text.startsWith('SELECT record, taken, holder'));
      if (recorder) recorder.sent.length = 0;
      expect((await keyed()).status).toBe(201);
      expect(claimedOnItsOwn()).toBe(true); // (and the fixed client read once: a cold store)
      if (recorder) recorder.sent.length = 0;
      expect((await keyed()).status).toBe(201);
      expect(claimedOnItsOwn()).toBe(false);
      expect(poolStatements()).toHaveLength(2);
    } finally {
      await second.stop();
    }
  });
});
