import { afterAll, afterEach, beforeAll, beforeEach, expect, jest, test } from '@jest/globals';
import request from 'supertest';
import { CONSOLE_APPLICATION_NAME } from '../../src/backends/postgres/console-channel.js';
import type { PostgresSharedState } from '../../src/backends/postgres/shared-state.js';
import { createSandbox, type Sandbox } from '../../src/sandbox.js';
import { control } from '../control-plane/helpers.js';
import { create, item, PATH, SANDBOX_AUTH } from '../norcap/helpers.js';
import { expectContract, T0 } from '../support/harness.js';
import { describePostgres, recordStatements, testSchema, type TestSchema } from '../support/postgres.js';

// Under --database a request with nothing to read before its commit (a NorCap create, a Nova
// token) runs on this instance's copy of the shared clock and faults while no change has been
// announced on the channel (LISTEN/NOTIFY), and is then one round trip. A notification can come
// late, so the copy is only a forecast: the commit writes only if the state's version is the one
// the request ran on, and an answer without a commit checks the version first. When it moved,
// nothing was written and the request runs again on a fresh read. These tests make the second
// instance deaf to the channel, so the late notification is certain rather than likely: every
// change made on the first instance must still be seen on the second's very next request.
// The first instance's clock moves go through the library: the HTTP control would also have its
// console read the statuses behind the answer, statements that would land in the counts here.

describePostgres('the shared state kept between requests (PostgreSQL, LISTEN/NOTIFY)', () => {
  let schema: TestSchema;
  let first: Sandbox;
  let second: Sandbox;
  let secondShared: PostgresSharedState;
  let recorder: ReturnType<typeof recordStatements>;
  /** What the second instance's request pool sent since the last reset. */
  const sent = (): string[] => recorder.sent.filter((s) => s.app !== CONSOLE_APPLICATION_NAME).map((s) => s.text.replace(/\s+/g, ' '));
  /** The version a commit the second instance sent is guarded by (`sandbox_commit`'s second argument; null: none). */
  const commitGuards = (): unknown[] => recorder.sent.filter((s) => s.app !== CONSOLE_APPLICATION_NAME && s.text.startsWith('SELECT sandbox_commit(')).map((s) => s.values?.[1]);

  beforeAll(async () => {
    schema = testSchema();
    first = await createSandbox({ seed: 1, frozenAt: T0, database: schema.url, databaseSchema: schema.name });
    second = await createSandbox({ seed: 1, frozenAt: T0, database: schema.url, databaseSchema: schema.name });
    secondShared = second.workspaces.defaultWorkspace.shared as PostgresSharedState;
    recorder = recordStatements();
  });
  afterAll(async () => {
    recorder.stop();
    await second.stop();
    await first.stop();
    await schema.drop();
  });
  beforeEach(async () => {
    await first.reset();
    // The second instance reads the state once and keeps it: its copy is current.
    expect((await create(second, item())).status).toBe(200);
    expect(secondShared.cachedVersion()).toBeDefined();
    recorder.sent.length = 0;
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await control(first, 'delete', '/_sandbox/faults');
  });

  /** From here on the second instance hears nothing the channel announces. */
  const deafen = () => jest.spyOn(secondShared, 'announced').mockImplementation(() => undefined);
  const stored = () => first.store.count('norcapDistributions');

  test('with nothing changed, a NorCap create runs on the copy: one round trip, its commit guarded by the version', async () => {
    const before = await stored();
    recorder.sent.length = 0;
    const res = await create(second, item({ amountCents: 777 }));
    expect(res.status).toBe(200);
    expect(res.body.distributions[0].amountCents).toBe(777);
    expect(sent()).toHaveLength(1);
    expect(commitGuards()).toEqual([secondShared.cachedVersion()]);
    expect(await stored()).toBe(before + 1);
  });

  test('a fault armed on another instance, not yet heard of: the guarded commit writes nothing, and the request runs again into the fault', async () => {
    deafen();
    const armed = await control(first, 'post', '/_sandbox/faults', { method: 'POST', path: PATH, status: 503, count: 1 });
    expect(armed.status).toBe(201);
    const held = secondShared.cachedVersion();
    expect(held).toBeDefined(); // deaf: the copy still looks current
    const before = await stored();
    recorder.sent.length = 0;
    const res = await create(second, item());
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ statusCode: '1503', statusDesc: 'Service unavailable' });
    // The commit that found the version moved, then the run again: a fresh read, the fault taken.
    const statements = sent();
    const guards = commitGuards();
    expect(statements[0]).toMatch(/^SELECT sandbox_commit\(/);
    expect(guards).toEqual([held]); // guarded by the version it ran on, which the fault moved
    expect(statements[1]).toContain("key = 'clock') AS clock");
    expect(statements[2]).toMatch(/^UPDATE faults SET remaining = remaining - 1/);
    expect(statements).toHaveLength(3);
    expect(await stored()).toBe(before); // the first run's commit was refused whole
    expect((await control(first, 'get', '/_sandbox/faults')).body).toEqual({ faults: [] }); // fired once, here
  });

  test('the clock advanced on another instance, not yet heard of: the distribution carries the advanced time, stored once', async () => {
    deafen();
    await first.advanceClock(3600);
    const before = await stored();
    const res = await create(second, item({ amountCents: 4242 }));
    expect(res.status).toBe(200);
    expect(res.body.distributions[0].createdAt).toBe('2024-04-20 13:00:00');
    expect(await stored()).toBe(before + 1);
    const read = await request(first.app).get(`${PATH}/${res.body.distributions[0].id}`).set('Authorization', SANDBOX_AUTH);
    expect({ status: read.status, createdAt: read.body.distribution.createdAt, amount: read.body.distribution.amountCents }).toEqual({ status: 200, createdAt: '2024-04-20 13:00:00', amount: 4242 });
  });

  test('an answer without a commit (a 1400, an unknown brokerage account) checks the version first: a fault armed elsewhere is answered instead', async () => {
    deafen();
    expect((await control(first, 'post', '/_sandbox/faults', { method: 'POST', path: PATH, status: 500, count: 1 })).status).toBe(201);
    recorder.sent.length = 0;
    const res = await create(second, item({ brokerageAccountId: 'NC00000' }));
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ statusCode: '1500', statusDesc: 'Internal server error' });
    // (the unknown account is looked up first: only known ones are kept in memory), the check, then the run again
    const statements = sent();
    const check = statements.findIndex((text) => text.startsWith('SELECT version::float8 AS version FROM sandbox_state'));
    expect(check).toBeGreaterThanOrEqual(0);
    expect(statements[check + 1]).toContain("key = 'clock') AS clock");
  });

  test('an answer without a commit, with nothing changed, stands after one check: the 1400, byte for byte as without a copy', async () => {
    recorder.sent.length = 0;
    const res = await create(second, item({ brokerageAccountId: 'NC00000' }));
    expect(sent().filter((text) => text.includes('FROM sandbox_state'))).toEqual([expect.stringMatching(/^SELECT version::float8 AS version FROM sandbox_state/)]);
    secondShared.missed(); // the same request, read first
    const read = await create(second, item({ brokerageAccountId: 'NC00000' }));
    expect(res.status).toBe(400);
    expect({ status: res.status, text: res.text, type: res.headers['content-type'] }).toEqual({ status: read.status, text: read.text, type: read.headers['content-type'] });
  });

  test('a fault armed on the token endpoint elsewhere is seen by the next token request here', async () => {
    deafen();
    expect((await request(second.app).post('/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: 'sandbox_client', client_secret: 'sandbox_secret' })).status).toBe(200);
    const armed = await control(first, 'post', '/_sandbox/faults', { method: 'POST', path: '/oauth/token', status: 503, count: 1 });
    const res = await request(second.app).post('/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: 'sandbox_client', client_secret: 'sandbox_secret' });
    expectContract('nova', res);
    expect(res.status).toBe(503);
    expect(JSON.stringify(res.body)).toContain(armed.body.id);
  });

  test('a reset elsewhere, not yet heard of: the next create here stamps the clock the reset set back', async () => {
    deafen();
    await first.advanceClock(3600);
    expect((await control(second, 'get', '/_sandbox/clock')).body.offset_seconds).toBe(3600); // read here: the copy is at +1 h
    expect(secondShared.cachedVersion()).toBeDefined();
    await first.reset();
    const res = await create(second, item());
    expect(res.status).toBe(200);
    expect(res.body.distributions[0].createdAt).toBe('2024-04-20 12:00:00');
  });

  test('heard: an announced change drops the copy, so the next request reads first and its commit is not refused', async () => {
    // Heard once the channel announces a version past the copy's (a late one from before is not it).
    const held = secondShared.cachedVersion() ?? 0;
    const heard = new Promise<void>((resolve) => {
      const announced = secondShared.announced.bind(secondShared);
      jest.spyOn(secondShared, 'announced').mockImplementation((version) => {
        announced(version);
        if (version > held) resolve();
      });
    });
    await first.advanceClock(60);
    await heard;
    expect(secondShared.cachedVersion()).toBeUndefined();
    recorder.sent.length = 0;
    const res = await create(second, item());
    expect(res.status).toBe(200);
    expect(res.body.distributions[0].createdAt).toBe('2024-04-20 12:01:00');
    expect(sent()).toHaveLength(2); // the read, then an unguarded commit
    expect(sent()[1]).toMatch(/^SELECT sandbox_commit\(/);
    expect(commitGuards()).toEqual([null]);
    expect(secondShared.cachedVersion()).toBeDefined(); // and kept again
  });

  test('a lost connection to the channel drops the copy: announcements may have been missed', async () => {
    secondShared.missed();
    expect(secondShared.cachedVersion()).toBeUndefined();
    recorder.sent.length = 0;
    expect((await create(second, item())).status).toBe(200);
    expect(sent()).toHaveLength(2);
  });

  test('an armed fault anywhere means every request reads the state (a fault taken is a statement of its own)', async () => {
    await control(second, 'post', '/_sandbox/faults', { method: 'GET', path: '/v1/*', status: 500, count: 5 });
    expect(secondShared.cachedVersion()).toBeUndefined();
    recorder.sent.length = 0;
    expect((await create(second, item())).status).toBe(200);
    expect(sent()).toHaveLength(2);
  });
});
