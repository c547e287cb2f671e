import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import request from 'supertest';
import type { Sandbox } from '../../src/sandbox.js';
import { expectContract } from '../support/harness.js';
import { appWithPersistence, ControlledPersistence, distributionItem, ENTITY_1, MULTI_ORG_CLIENT, NovaClient, ORG_1, ORG_2, referenceExample, turnsUntil, VEHICLE_1, freshNovaForEachTest } from './helpers.js';

const POST = '/v1/distributions';

let sb: Sandbox;
let client: NovaClient;
freshNovaForEachTest((s, c) => ((sb = s), (client = c)));

const distributions = () => sb.store.count('novaDistributions');
const keys = () => sb.store.count('novaIdempotencyKeys');

describe('Idempotency-Key on Nova’s mutating routes', () => {
  test('a retry replays the stored status and body byte for byte, with Idempotent-Replayed, and creates nothing', async () => {
    const first = await client.post(POST, referenceExample(), { idempotencyKey: 'retry-1' });
    const retry = await client.post(POST, referenceExample(), { idempotencyKey: 'retry-1' });

    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.text).toBe(first.text);
    expect(retry.headers['content-type']).toBe(first.headers['content-type']);
    expect(await distributions()).toBe(1);
    expect(await keys()).toBe(1);
  });

  test('the same body with other key order and whitespace is the same request', async () => {
    await client.post(POST, [{ name: 'A', distribution_date: '2024-04-20T00:00:00Z', vehicle: VEHICLE_1, payments: [{ amount: 1, currency: 'USD', entity: ENTITY_1 }] }], { idempotencyKey: 'order' });

    const reordered = await client
      .prepare('post', POST, undefined, { idempotencyKey: 'order' })
      .set('Content-Type', 'application/json')
      .send('[ { "payments": [ { "entity": "ent_H0hdMOc5E5QMTEcGVZKegvLNCB6p", "currency": "USD", "amount": 1 } ], "vehicle": "veh_pNvehE6O1KjY2W6Omq9MD3QAEs5w", "distribution_date": "2024-04-20T00:00:00Z", "name": "A" } ]');
    expectContract('nova', reordered);

    expect(reordered.status).toBe(201);
    expect(reordered.headers['idempotent-replayed']).toBe('true');
    expect(await distributions()).toBe(1);
  });

  test.each([
    ['another body', POST, [distributionItem({ name: 'different' })]],
    ['another path', '/v1/contacts', [{ name: 'Ada', email: 'ada@example.com' }]],
  ])('the same key with %s: 409 idempotency_mismatch, nothing performed', async (_case, path, body) => {
    await client.post(POST, referenceExample(), { idempotencyKey: 'k-1' });
    const contactsBefore = await sb.store.count('novaContacts');

    const res = await client.post(path, body, { idempotencyKey: 'k-1' });

    expect(res.status).toBe(409);
    expect(res.body).toEqual({ error: { code: 'idempotency_mismatch', message: "Idempotency-Key 'k-1' was already used with a different request", param: 'Idempotency-Key' } });
    expect(await distributions()).toBe(1);
    expect(await sb.store.count('novaContacts')).toBe(contactsBefore);
  });

  test('error answers are stored too: a 400 for the body and a 404 for an unknown entity replay as they were', async () => {
    const invalid = [distributionItem({ payments: [] })];
    const unknown = [distributionItem({ payments: [{ amount: 1, currency: 'USD', entity: 'ent_doesNotExist1' }] })];

    const bad = await client.post(POST, invalid, { idempotencyKey: 'bad' });
    const badAgain = await client.post(POST, invalid, { idempotencyKey: 'bad' });
    const missing = await client.post(POST, unknown, { idempotencyKey: 'missing' });
    const missingAgain = await client.post(POST, unknown, { idempotencyKey: 'missing' });
    const fixedUnderOldKey = await client.post(POST, referenceExample(), { idempotencyKey: 'bad' });

    expect([bad.status, badAgain.status, missing.status, missingAgain.status]).toEqual([400, 400, 404, 404]);
    expect(badAgain.text).toBe(bad.text);
    expect(missingAgain.text).toBe(missing.text);
    expect([badAgain.headers['idempotent-replayed'], missingAgain.headers['idempotent-replayed']]).toEqual(['true', 'true']);
    expect(fixedUnderOldKey.status).toBe(409);
    expect(fixedUnderOldKey.body.error.code).toBe('idempotency_mismatch');
    expect(await distributions()).toBe(0);
  });

  test('a key is kept 24 hours (sandbox clock), then usable afresh', async () => {
    const first = await client.post(POST, referenceExample(), { idempotencyKey: 'daily' });
    sb.clock.advance(24 * 3600 - 1);
    const client2 = await NovaClient.for(sb); // the first token expired long ago
    const stillStored = await client2.post(POST, referenceExample(), { idempotencyKey: 'daily' });
    sb.clock.advance(1);

    const fresh = await client2.post(POST, referenceExample(), { idempotencyKey: 'daily' });
    const replayOfFresh = await client2.post(POST, referenceExample(), { idempotencyKey: 'daily' });

    expect(stillStored.headers['idempotent-replayed']).toBe('true');
    expect(stillStored.text).toBe(first.text);
    expect(fresh.status).toBe(201);
    expect(fresh.headers['idempotent-replayed']).toBeUndefined();
    expect(fresh.body.data[0].id).not.toBe(first.body.data[0].id);
    expect(replayOfFresh.text).toBe(fresh.text);
    expect(await distributions()).toBe(2);
    expect(await keys()).toBe(1); // the expired record was replaced, not kept beside the new one
  });

  test('expired keys are purged whenever a key is stored', async () => {
    await client.post('/v1/contacts', [{ name: 'A', email: 'a@example.com' }], { idempotencyKey: 'old-1' });
    await client.post('/v1/contacts', [{ name: 'B', email: 'b@example.com' }], { idempotencyKey: 'old-2' });
    sb.clock.advance(24 * 3600);
    const later = await NovaClient.for(sb);

    await later.post('/v1/contacts', [{ name: 'C', email: 'c@example.com' }], { idempotencyKey: 'new' });

    expect(await sb.store.count('novaIdempotencyKeys')).toBe(1);
    expect(await sb.store.get('novaIdempotencyKeys', JSON.stringify(['sandbox_client org_Xk7d2pQR9m3nBwYz', 'new']))).toBeDefined();
  });

  test('keys are scoped to client and organization', async () => {
    const multi = await NovaClient.for(sb, MULTI_ORG_CLIENT);

    const bySandboxClient = await client.post(POST, referenceExample(), { idempotencyKey: 'shared' });
    const byMultiInOrg1 = await multi.post(POST, referenceExample(), { idempotencyKey: 'shared', organization: ORG_1 });
    const byMultiInOrg2 = await multi.post('/v1/contacts', [{ name: 'Z', email: 'z@example.com' }], { idempotencyKey: 'shared', organization: ORG_2 });

    expect([bySandboxClient.status, byMultiInOrg1.status, byMultiInOrg2.status]).toEqual([201, 201, 201]);
    expect(byMultiInOrg1.headers['idempotent-replayed']).toBeUndefined();
    expect(await distributions()).toBe(2);
    expect(await keys()).toBe(3);
  });

  test('ignored on reads', async () => {
    const res = await client.get(POST, { idempotencyKey: 'read' });
    const again = await client.get(POST, { idempotencyKey: 'read' });

    expect([res.status, again.status]).toEqual([200, 200]);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect(await keys()).toBe(0);
  });

  test('requests refused before the key is read store nothing', async () => {
    const unauthenticated = await request(sb.app).post(POST).set('Idempotency-Key', 'early').send(referenceExample());
    expectContract('nova', unauthenticated);
    const withToken = await client.post(POST, referenceExample(), { idempotencyKey: 'early' });

    expect(unauthenticated.status).toBe(401);
    expect(withToken.status).toBe(201);
    expect(withToken.headers['idempotent-replayed']).toBeUndefined();
  });

  test('a body nested deeper than the call stack is an ordinary 400, stored like any other', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const send = () => client.prepare('post', '/v1/contacts', undefined, { idempotencyKey: 'deep' }).set('Content-Type', 'application/json').send(deep);

    const res = await send();
    const again = await send();
    expectContract('nova', res);

    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'parameter_invalid', message: '[0] must be object', param: '[0]' } });
    expect(again.headers['idempotent-replayed']).toBe('true');
  });

  test.each([
    ['empty', ''],
    ['over 255 characters', 'k'.repeat(256)],
  ])('a key that is %s: 400 parameter_invalid', async (_case, key) => {
    const res = await client.post(POST, referenceExample(), { idempotencyKey: key });

    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'parameter_invalid', message: 'Idempotency-Key must be 1 to 255 characters', param: 'Idempotency-Key' } });
    expect(await distributions()).toBe(0);
  });

  test('a key sent twice: 400 parameter_invalid, nothing performed, nothing stored (node would join them into a third key)', async () => {
    const res = await client.post(POST, referenceExample(), { headers: { 'Idempotency-Key': ['k-a', 'k-b'] } });

    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'parameter_invalid', message: 'Idempotency-Key must be sent once', param: 'Idempotency-Key' } });
    expect(await distributions()).toBe(0);
    expect(await keys()).toBe(0);
  });

  test('twenty same-key requests at once create exactly one distribution; every 201 is the same body, the others 409 conflict', async () => {
    const responses = await Promise.all(Array.from({ length: 20 }, () => client.prepare('post', POST, referenceExample(), { idempotencyKey: 'burst' })));
    for (const res of responses) expectContract('nova', res);

    const created = responses.filter((r) => r.status === 201);
    const conflicts = responses.filter((r) => r.status !== 201);
    expect(await distributions()).toBe(1);
    expect(created.filter((r) => r.headers['idempotent-replayed'] === undefined)).toHaveLength(1);
    expect(new Set(created.map((r) => r.text)).size).toBe(1);
    for (const res of conflicts) expect({ status: res.status, code: res.body.error.code }).toEqual({ status: 409, code: 'conflict' });
    // Once the first has finished, every retry gets that same body.
    const after = await client.post(POST, referenceExample(), { idempotencyKey: 'burst' });
    expect(after.text).toBe((created[0] as request.Response).text);
  });
});

describe('Idempotency-Key while the first request is still running, and after a server error', () => {
  let persistence: ControlledPersistence;
  let harness: Awaited<ReturnType<typeof appWithPersistence>>;
  let caller: NovaClient;
  beforeEach(async () => {
    persistence = new ControlledPersistence();
    harness = await appWithPersistence(persistence);
    caller = await NovaClient.for(harness);
  });
  afterEach(() => persistence.release());

  test('a retry while the first still runs: 409 conflict (or idempotency_mismatch for another body); the first then completes', async () => {
    const held = persistence.hold();
    const first = caller.prepare('post', POST, referenceExample(), { idempotencyKey: 'slow' }).then((res) => res);
    await held; // the first request is inside its commit, waiting on the disk

    const duringSame = await caller.post(POST, referenceExample(), { idempotencyKey: 'slow' });
    const duringOther = await caller.post(POST, [distributionItem()], { idempotencyKey: 'slow' });
    persistence.release();
    const done = await first;
    expectContract('nova', done);
    const after = await caller.post(POST, referenceExample(), { idempotencyKey: 'slow' });

    expect(duringSame.status).toBe(409);
    expect(duringSame.body).toEqual({ error: { code: 'conflict', message: "a request with Idempotency-Key 'slow' is still being processed; retry shortly", param: 'Idempotency-Key' } });
    expect(duringOther.status).toBe(409);
    expect(duringOther.body.error.code).toBe('idempotency_mismatch');
    expect(done.status).toBe(201);
    expect(after.headers['idempotent-replayed']).toBe('true');
    expect(after.text).toBe(done.text);
    expect(await harness.store.count('novaDistributions')).toBe(1);
  });

  test('a client that gives up mid-request and retries gets 409 conflict, then the one stored answer: never a second run', async () => {
    const server = harness.app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const sockets: Socket[] = [];
    server.on('connection', (socket: Socket) => sockets.push(socket));
    try {
      const held = persistence.hold();
      const first = request(server).post(POST).set('Authorization', `Bearer ${caller.token}`).set('Idempotency-Key', 'gone').send(referenceExample());
      const firstOutcome = first.then(
        () => 'answered',
        () => 'aborted',
      );
      await held; // the first request is inside its commit, waiting on the disk
      first.abort(); // the client times out
      await turnsUntil(() => sockets[0]?.closed === true); // and the server has seen it go

      const retry: { res?: request.Response } = {};
      const retrying = caller.prepare('post', POST, referenceExample(), { idempotencyKey: 'gone' }).then((res) => (retry.res = res));
      await turnsUntil(() => retry.res !== undefined || persistence.waiting > 1); // answered, or a second run is writing
      persistence.release();
      await retrying;
      await turnsUntil(() => harness.store.countNow('novaIdempotencyKeys') === 1); // the first run's answer, stored though nobody read it
      const after = await caller.post(POST, referenceExample(), { idempotencyKey: 'gone' });

      expect(await firstOutcome).toBe('aborted');
      expectContract('nova', retry.res as request.Response);
      expect(retry.res?.status).toBe(409);
      expect(retry.res?.body).toEqual({ error: { code: 'conflict', message: "a request with Idempotency-Key 'gone' is still being processed; retry shortly", param: 'Idempotency-Key' } });
      expect(after.status).toBe(201);
      expect(after.headers['idempotent-replayed']).toBe('true');
      expect(await harness.store.count('novaDistributions')).toBe(1);
    } finally {
      server.close();
    }
  });

  test('a 500 is not stored: the retry with the same key runs the operation again', async () => {
    persistence.failNext = 1; // the distribution's write fails: the handler answers 500

    const failed = await caller.post(POST, referenceExample(), { idempotencyKey: 'flaky' });
    const countAfterFailure = await harness.store.count('novaDistributions');
    const retried = await caller.post(POST, referenceExample(), { idempotencyKey: 'flaky' });
    const replayed = await caller.post(POST, referenceExample(), { idempotencyKey: 'flaky' });

    expect(failed.status).toBe(500);
    expect(failed.body).toEqual({ error: { code: 'internal_error', message: 'internal error' } });
    expect(retried.status).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(await harness.store.count('novaDistributions')).toBe(countAfterFailure + 1);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(replayed.text).toBe(retried.text);
  });
});
