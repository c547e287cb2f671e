import { beforeEach, describe, expect, test } from '@jest/globals';
import request from 'supertest';
import { API_MODULES } from '../../src/apis/index.js';
import { loadSpec } from '../../src/core/contract/spec.js';
import type { Sandbox } from '../../src/sandbox.js';
import { expectContract, testSandbox } from '../support/harness.js';
import { control } from './helpers.js';

// The control plane treats every API alike; these prove it on Nova once the Nova API is mounted.
const novaMounted = API_MODULES.some((api) => api.name === 'nova');
const describeNova = novaMounted ? describe : describe.skip;

const DISTRIBUTIONS = '/v1/distributions';

let sb: Sandbox;
let auth: string;
beforeEach(async () => {
  if (!novaMounted) return;
  sb = await testSandbox();
  const token = await request(sb.app)
    .post('/oauth/token')
    .type('form')
    .send({ grant_type: 'client_credentials', client_id: 'sandbox_client', client_secret: 'sandbox_secret' });
  expectContract('nova', token);
  expect(token.status).toBe(200);
  auth = `Bearer ${token.body.access_token as string}`;
});

/** A new token for the fixture client, as an Authorization value. */
async function freshToken(): Promise<string> {
  const token = await request(sb.app).post('/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: 'sandbox_client', client_secret: 'sandbox_secret' });
  expectContract('nova', token);
  expect(token.status).toBe(200);
  return `Bearer ${token.body.access_token as string}`;
}

/** The reference's own example body, as embedded in openapi/nova.yaml. */
function referenceBody(): unknown {
  const post = loadSpec('nova').paths[DISTRIBUTIONS]?.post as { requestBody: { content: { 'application/json': { examples: { reference: { value: unknown } } } } } };
  return post.requestBody.content['application/json'].examples.reference.value;
}

async function createDistribution(key?: string): Promise<request.Response> {
  let req = request(sb.app).post(DISTRIBUTIONS).set('Authorization', auth);
  if (key) req = req.set('Idempotency-Key', key);
  const res = await req.send(referenceBody() as object);
  expectContract('nova', res);
  return res;
}

describeNova('the control plane on Nova', () => {
  test('an injected 500 is never stored under the Idempotency-Key: the retry with the same key performs the create', async () => {
    await control(sb, 'post', '/_sandbox/faults', { method: 'POST', path: DISTRIBUTIONS, status: 500 });

    const faulted = await createDistribution('retry-me-1');
    expect(faulted.status).toBe(500);
    expect(faulted.body.error).toMatchObject({ code: 'internal_error', message: expect.any(String) });
    expect(await sb.store.count('novaDistributions')).toBe(0);

    const retried = await createDistribution('retry-me-1');
    expect(retried.status).toBe(201);
    expect(retried.headers['idempotent-replayed']).not.toBe('true');
    expect(await sb.store.count('novaDistributions')).toBe(1);

    const replayed = await createDistribution('retry-me-1');
    expect(replayed.status).toBe(201);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(replayed.body).toEqual(retried.body);
    expect(await sb.store.count('novaDistributions')).toBe(1);
  });

  test('POST /_sandbox/clock/advance expires tokens: still accepted after 3599 s, refused after 3601 s', async () => {
    const list = () => request(sb.app).get(DISTRIBUTIONS).set('Authorization', auth);

    expect((await control(sb, 'post', '/_sandbox/clock/advance', { seconds: 3599 })).status).toBe(200);
    const stillValid = await list();
    expectContract('nova', stillValid);
    expect(stillValid.status).toBe(200);

    expect((await control(sb, 'post', '/_sandbox/clock/advance', { seconds: 2 })).body.offset_seconds).toBe(3601);
    const refused = await list();
    expectContract('nova', refused);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toMatchObject({ code: 'invalid_token' });
    expect(refused.headers['www-authenticate']).toContain('error="invalid_token"');

    // A create with the expired token is refused too, and creates nothing.
    const create = await createDistribution('after-expiry');
    expect(create.status).toBe(401);
    expect(await sb.store.count('novaDistributions')).toBe(0);
  });

  test('POST /_sandbox/clock/advance expires idempotency keys: replayed until 24 h, performed afresh after', async () => {
    const first = await createDistribution('daily-key');
    expect(first.status).toBe(201);

    await control(sb, 'post', '/_sandbox/clock/advance', { seconds: 24 * 3600 - 1 });
    auth = await freshToken(); // the first token expired after an hour
    const replayed = await createDistribution('daily-key');
    expect(replayed.status).toBe(201);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(replayed.body).toEqual(first.body);
    expect(await sb.store.count('novaDistributions')).toBe(1);

    await control(sb, 'post', '/_sandbox/clock/advance', { seconds: 1 });
    const fresh = await createDistribution('daily-key');
    expect(fresh.status).toBe(201);
    expect(fresh.headers['idempotent-replayed']).toBeUndefined();
    expect(fresh.body.data[0].id).not.toBe(first.body.data[0].id);
    expect(fresh.body.data[0].created_at).toBe('2024-04-21T12:00:00Z'); // stamped by the advanced clock
    expect(await sb.store.count('novaDistributions')).toBe(2);
  });

  test('even an injected 4xx, which Nova would store and replay, never reaches the idempotency store', async () => {
    await control(sb, 'post', '/_sandbox/faults', { method: 'POST', path: DISTRIBUTIONS, status: 400 });

    const faulted = await createDistribution('retry-me-2');
    const retried = await createDistribution('retry-me-2');

    expect(faulted.status).toBe(400);
    expect(retried.status).toBe(201);
    expect(await sb.store.count('novaDistributions')).toBe(1);
  });

  test('an injected 429 answers the Nova envelope with Retry-After', async () => {
    await control(sb, 'post', '/_sandbox/faults', { method: 'GET', path: '/v1/*', status: 429, retry_after: 7 });

    const res = await request(sb.app).get(DISTRIBUTIONS).set('Authorization', auth);
    expectContract('nova', res);
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('7');
    expect(res.body.error).toMatchObject({ code: 'rate_limited' });
  });

  test('lifecycle moves go through Nova’s own hook; impossible moves are 409, unknown ids 404', async () => {
    const created = await createDistribution();
    const id = created.body.data[0].id as string;
    await sb.advanceClock(60);

    const published = await control(sb, 'post', `/_sandbox/nova/distributions/${id}/status`, { status: 'published' });
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({ id, status: 'published', published_at: '2024-04-20T12:01:00Z', updated_at: '2024-04-20T12:01:00Z' });
    const read = await request(sb.app).get(`${DISTRIBUTIONS}/${id}`).set('Authorization', auth);
    expectContract('nova', read);
    expect(read.body).toEqual(published.body);

    const backwards = await control(sb, 'post', `/_sandbox/nova/distributions/${id}/status`, { status: 'draft' });
    expect(backwards.status).toBe(409);
    expect(backwards.body).toMatchObject({ type: 'about:blank', title: 'Conflict', status: 409 });
    const unknownStatus = await control(sb, 'post', `/_sandbox/nova/distributions/${id}/status`, { status: 'processing' });
    expect(unknownStatus.status).toBe(400);
    const missing = await control(sb, 'post', '/_sandbox/nova/distributions/dst_nope/status', { status: 'published' });
    expect(missing.status).toBe(404);
    expect((await sb.store.get('novaDistributions', id))?.object.status).toBe('published');
  });

  test('auto-advance walks Nova distributions too', async () => {
    const auto = await testSandbox({ autoAdvance: true });
    const token = await request(auto.app).post('/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: 'sandbox_client', client_secret: 'sandbox_secret' });
    const created = await request(auto.app).post(DISTRIBUTIONS).set('Authorization', `Bearer ${token.body.access_token as string}`).send(referenceBody() as object);
    expectContract('nova', created);
    const id = created.body.data[0].id as string;

    await control(auto, 'post', '/_sandbox/clock/advance', { seconds: 60 });

    expect((await auto.store.get('novaDistributions', id))?.object.status).toBe('published');
  });

  test('coverage and the journal cover Nova operations', async () => {
    await createDistribution();

    const [entry] = (await control(sb, 'get', '/_sandbox/requests?api=nova')).body.entries;
    expect(entry).toMatchObject({ api: 'nova', operation: 'createDistributions', status: 201, matched_contract: true });
    const report = (await control(sb, 'get', '/_sandbox/coverage')).body;
    const ops = report.apis.nova.operations as { operationId: string; statuses: Record<string, number> }[];
    expect(ops.find((op) => op.operationId === 'issueToken')?.statuses['200']).toBe(1);
    expect(ops.find((op) => op.operationId === 'createDistributions')?.statuses['201']).toBe(1);
    expect(report.never_exercised).toContainEqual(expect.objectContaining({ api: 'nova', operationId: 'listVehicles', called: false }));
  });
});
