import { afterAll, beforeAll, expect, test } from '@jest/globals';
import request from 'supertest';
import { createSandbox, type Sandbox } from '../../src/sandbox.js';
import { create, get, item, PATH, SANDBOX_AUTH } from '../norcap/helpers.js';
import { distributionItem, NovaClient, ORG_1, tokenFor } from '../nova/helpers.js';
import { control } from '../control-plane/helpers.js';
import { httpJson, startChild } from '../platform/child-server.js';
import { T0 } from '../support/harness.js';
import { controlAs, keyOf, newWorkspace, norcapAuthOf, norcapItem } from '../workspaces/helpers.js';
import { databaseUrl, describePostgres, testSchema, withAdmin, type TestSchema } from '../support/postgres.js';

/**
 * Three sandbox instances on one database schema, as three servers behind one URL would be:
 * whatever one does, the others see on their very next request.
 */
describePostgres('many instances on one --database are one sandbox', () => {
  let schema: TestSchema;
  let instances: Sandbox[];
  /** The instance a round-robin balancer would pick for request `i`. */
  const at = (i: number): Sandbox => instances[i % instances.length] as Sandbox;

  beforeAll(async () => {
    schema = testSchema();
    instances = [];
    // Started together, as a deployment would: the schema is migrated and seeded once.
    instances = await Promise.all([0, 1, 2].map(() => createSandbox({ seed: 1, frozenAt: T0, database: schema.url, databaseSchema: schema.name })));
  });
  afterAll(async () => {
    await Promise.all(instances.map((sb) => sb.stop()));
    await schema.drop();
  });

  test('created on one, read by id and listed on the others; ids never collide across instances', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await create(at(i), item({ amountCents: 100 + i }));
      expect(res.status).toBe(200);
      ids.push(res.body.distributions[0].id as string);
    }
    expect(new Set(ids).size).toBe(3); // same --seed, yet each instance mints its own ids
    for (let i = 0; i < 3; i++) {
      const one = await get(at(i + 1), `${PATH}/${ids[i]}`);
      expect({ status: one.status, id: one.body.distribution?.id, amount: one.body.distribution?.amountCents }).toEqual({ status: 200, id: ids[i], amount: 100 + i });
    }
    const list = await get(at(2), `${PATH}?sort=createdAt:asc`);
    expect(list.body.custody_distributions.map((d: { id: string }) => d.id)).toEqual(ids);
    await at(0).reset();
  });

  test('a token issued by one instance works on the others', async () => {
    const token = await tokenFor(at(0));
    for (const sb of instances.slice(1)) {
      const res = await new NovaClient(sb.app, token).get('/v1/vehicles');
      expect(res.status).toBe(200);
      expect(res.body.data.map((v: { id: string }) => v.id)).toContain('veh_pNvehE6O1KjY2W6Omq9MD3QAEs5w');
    }
  });

  test('50 concurrent creates with one Idempotency-Key spread over the instances make exactly one distribution', async () => {
    const token = await tokenFor(at(0));
    const body = [distributionItem()];
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => new NovaClient(at(i).app, token).prepare('post', '/v1/distributions', body, { organization: ORG_1, idempotencyKey: 'one-key' })),
    );
    const created = answers.filter((res) => res.status === 201);
    const busy = answers.filter((res) => res.status === 409);
    expect(created.length + busy.length).toBe(50); // the rest saw the first still running: 409, retry
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((res) => res.body.data[0].id)).size).toBe(1);
    for (const res of busy) expect(res.body.error.code).toBe('conflict');
    for (const sb of instances) expect(await sb.store.count('novaDistributions')).toBe(1);
    const replay = await new NovaClient(at(1).app, token).post('/v1/distributions', body, { organization: ORG_1, idempotencyKey: 'one-key' });
    expect({ status: replay.status, id: replay.body.data[0].id, replayed: replay.headers['idempotent-replayed'] }).toEqual({ status: 201, id: created[0]?.body.data[0].id, replayed: 'true' });
    await at(0).reset();
  });

  test('the clock advanced on one instance is the clock of every instance, at once', async () => {
    const advanced = await control(at(0), 'post', '/_sandbox/clock/advance', { seconds: 3600 });
    expect(advanced.body).toEqual({ now: '2024-04-20T13:00:00.000Z', offset_seconds: 3600, frozen: true });
    for (const sb of instances) {
      expect((await control(sb, 'get', '/_sandbox/clock')).body).toEqual({ now: '2024-04-20T13:00:00.000Z', offset_seconds: 3600, frozen: true });
    }
    // and what the clock stamps: a distribution created on another instance carries the shared time
    const res = await create(at(2), item());
    expect(res.body.distributions[0].createdAt).toBe('2024-04-20 13:00:00');
    await at(1).reset();
    expect((await control(at(2), 'get', '/_sandbox/clock')).body.offset_seconds).toBe(0);
  });

  test('a fault armed on one instance fires its count exactly, across the others', async () => {
    const armed = await control(at(1), 'post', '/_sandbox/faults', { method: 'GET', path: PATH, status: 503, count: 2 });
    expect(armed.status).toBe(201);
    // Only the instances that did not arm it are asked, all at once.
    const others = [at(0), at(2)];
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => request((others[i % 2] as Sandbox).app).get(PATH).set('Authorization', SANDBOX_AUTH)));
    expect(answers.map((res) => res.status).sort()).toEqual([...Array(10).fill(200), 503, 503]);
    for (const sb of instances) expect((await control(sb, 'get', '/_sandbox/faults')).body).toEqual({ faults: [] });
  });

  test('a reset on one instance is seen by all: records, tokens, idempotency keys, clock and faults', async () => {
    const token = await tokenFor(at(0));
    await new NovaClient(at(0).app, token).post('/v1/distributions', [distributionItem()], { organization: ORG_1, idempotencyKey: 'before-reset' });
    await create(at(1), item());
    await control(at(2), 'post', '/_sandbox/clock/advance', { seconds: 60 });
    await control(at(0), 'post', '/_sandbox/faults', { method: 'GET', path: '/v1/*', status: 500, count: 5 });

    const reset = await control(at(1), 'post', '/_sandbox/reset');
    expect(reset.status).toBe(200);

    // The journal is one for all instances now: every instance's is empty before any of them serves another request.
    for (const sb of instances) expect((await control(sb, 'get', '/_sandbox/requests')).body.entries).toEqual([]);
    for (const sb of instances) {
      expect((await control(sb, 'get', '/_sandbox/clock')).body.offset_seconds).toBe(0);
      expect((await control(sb, 'get', '/_sandbox/faults')).body).toEqual({ faults: [] });
      expect((await get(sb, PATH)).body.custody_distributions).toEqual([]);
      const stale = await request(sb.app).get('/v1/vehicles').set('Authorization', `Bearer ${token}`);
      expect(stale.status).toBe(401); // the token went with the reset
    }
    expect(await at(2).store.count('novaIdempotencyKeys')).toBe(0);
  });

  test('a workspace created on one instance is the same workspace on all: credentials, records, its own clock and faults', async () => {
    const ws = await newWorkspace(at(0));
    const created = await request(at(1).app).post(PATH).set('Authorization', norcapAuthOf(ws)).send(norcapItem(ws));
    expect(created.status).toBe(200);
    const id = created.body.distributions[0].id as string;
    const read = await request(at(2).app).get(`${PATH}/${id}`).set('Authorization', norcapAuthOf(ws));
    expect({ status: read.status, id: read.body.distribution?.id }).toEqual({ status: 200, id });
    // The default workspace's credential does not see it, on any instance.
    expect((await get(at(2), `${PATH}/${id}`)).status).toBe(404);

    // Its clock, advanced on one instance, is its clock on every other; the default's stays put.
    const advanced = await controlAs(at(0), 'post', '/_sandbox/clock/advance', { auth: keyOf(ws), body: { seconds: 3600 } });
    expect(advanced.status).toBe(200);
    const seen = await controlAs(at(1), 'get', '/_sandbox/clock', { auth: keyOf(ws) });
    expect(seen.body.offset_seconds).toBe(3600);
    expect((await controlAs(at(2), 'get', '/_sandbox/clock')).body.offset_seconds).toBe(0);

    // A one-shot fault armed in the workspace on one instance fires once, on another, for it alone.
    const armed = await controlAs(at(2), 'post', '/_sandbox/faults', { auth: keyOf(ws), body: { method: 'GET', path: `${PATH}/*`, status: 503, count: 1 } });
    expect(armed.status).toBe(201);
    expect((await get(at(0), `${PATH}?limit=1`)).status).toBe(200); // the default workspace: untouched
    expect((await request(at(0).app).get(`${PATH}/${id}`).set('Authorization', norcapAuthOf(ws))).status).toBe(503);
    expect((await request(at(1).app).get(`${PATH}/${id}`).set('Authorization', norcapAuthOf(ws))).status).toBe(200);

    // Deleted on one instance, it is gone on all.
    expect((await controlAs(at(1), 'delete', '/_sandbox/workspace', { auth: keyOf(ws) })).status).toBe(204);
    expect((await request(at(2).app).get(`${PATH}/${id}`).set('Authorization', norcapAuthOf(ws))).status).toBe(401);
  });
});

describePostgres('an instance killed with SIGKILL under load loses no acknowledged write', () => {
  let schema: TestSchema;
  let survivors: Sandbox[];

  beforeAll(async () => {
    schema = testSchema();
    await withAdmin((client) => client.query(`CREATE SCHEMA "${schema.name}"`));
    survivors = await Promise.all([0, 1].map(() => createSandbox({ seed: 1, database: schema.url, databaseSchema: schema.name })));
  });
  afterAll(async () => {
    await Promise.all(survivors.map((sb) => sb.stop()));
    await schema.drop();
  });

  test('every create the killed instance answered 200 is readable through the others', async () => {
    // The CLI picks its schema from the URL (libpq's options=-c search_path=...).
    const url = new URL(databaseUrl as string);
    url.searchParams.set('options', `-c search_path=${schema.name}`);
    const victim = await startChild(['--quiet', '--database', url.href]);
    const acknowledged: string[] = [];
    let stop = false;
    const writer = async () => {
      while (!stop) {
        const res = await httpJson('POST', `${victim.url}${PATH}`, { body: item(), headers: { Authorization: SANDBOX_AUTH } }).catch(() => undefined);
        if (!res) return; // the connection died with the process
        if (res.status === 200) acknowledged.push((res.body as { distributions: { id: string }[] }).distributions[0]?.id as string);
      }
    };
    const writers = Array.from({ length: 8 }, writer);
    while (acknowledged.length < 40) await new Promise((resolve) => setImmediate(resolve));
    victim.child.kill('SIGKILL');
    stop = true;
    await Promise.all(writers);
    expect((await victim.exited).signal).toBe('SIGKILL');

    expect(acknowledged.length).toBeGreaterThanOrEqual(40);
    for (const [i, id] of acknowledged.entries()) {
      const res = await get(survivors[i % 2] as Sandbox, `${PATH}/${id}`);
      expect({ id, status: res.status }).toEqual({ id, status: 200 });
    }
  });
});
