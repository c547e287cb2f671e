import { beforeEach, describe, expect, test } from '@jest/globals';
import express from 'express';
import request from 'supertest';
import { FaultRegistry, MAX_FAULTS } from '../../src/control-plane/faults.js';
import { injectFaults } from '../../src/control-plane/fault-injection.js';
import { resolveRequest } from '../../src/core/pipeline/resolve-request.js';
import type { Sandbox } from '../../src/sandbox.js';
import { testSandbox } from '../support/harness.js';
import { create, get, item, PATH } from '../norcap/helpers.js';
import { control, expectProblem, journal } from './helpers.js';

let sb: Sandbox;
beforeEach(async () => {
  sb = await testSandbox();
});

async function arm(body: object): Promise<request.Response> {
  const res = await control(sb, 'post', '/_sandbox/faults', body);
  if (res.status !== 201) throw new Error(`fault not armed: ${JSON.stringify(res.body)}`);
  return res;
}

describe('POST /_sandbox/faults: injected failures in the API’s own envelope', () => {
  test('an injected 503 on NorCap answers the NorCap envelope, creates nothing, and the next request passes', async () => {
    const armed = await arm({ method: 'POST', path: PATH, status: 503 });
    expect(armed.body).toEqual({ id: 'flt_1', method: 'POST', path: PATH, status: 503, count: 1, remaining: 1, latency_ms: 0, retry_after: null });

    const faulted = await create(sb, item());
    expect(faulted.status).toBe(503);
    expect(faulted.body).toEqual({ statusCode: '1503', statusDesc: 'Service unavailable' });
    expect(await sb.store.count('norcapDistributions')).toBe(0);

    const next = await create(sb, item());
    expect(next.status).toBe(200);
    expect(await sb.store.count('norcapDistributions')).toBe(1);
    expect((await control(sb, 'get', '/_sandbox/faults')).body).toEqual({ faults: [] });
  });

  test('a fault answers before authentication: even a credential-less request gets it', async () => {
    await arm({ method: 'GET', path: PATH, status: 500 });
    const res = await request(sb.app).get(PATH);

    expect(res.status).toBe(500);
    expect(res.body).toEqual({ statusCode: '1500', statusDesc: 'Internal server error' });
  });

  test('an injected 429 carries Retry-After (default 1 s, or retry_after)', async () => {
    await arm({ method: 'GET', path: PATH, status: 429 });
    await arm({ method: 'GET', path: PATH, status: 429, retry_after: 30 });

    const first = await get(sb, PATH);
    const second = await get(sb, PATH);
    expect(first.status).toBe(429);
    expect(first.body).toEqual({ statusCode: '1429', statusDesc: 'Too many requests' });
    expect(first.headers['retry-after']).toBe('1');
    expect(second.status).toBe(429);
    expect(second.headers['retry-after']).toBe('30');
    expect((await get(sb, PATH)).status).toBe(200);
  });

  test('count is honoured: exactly that many matching requests fail, and GET lists what remains', async () => {
    await arm({ method: 'GET', path: PATH, status: 503, count: 2 });

    expect((await get(sb, PATH)).status).toBe(503);
    expect((await control(sb, 'get', '/_sandbox/faults')).body.faults).toEqual([expect.objectContaining({ id: 'flt_1', count: 2, remaining: 1 })]);
    expect((await get(sb, PATH)).status).toBe(503);
    expect((await get(sb, PATH)).status).toBe(200);
    expect((await control(sb, 'get', '/_sandbox/faults')).body.faults).toEqual([]);
  });

  test('the method and path must match: another method or path passes untouched', async () => {
    await arm({ method: 'POST', path: PATH, status: 503 });

    expect((await get(sb, PATH)).status).toBe(200);
    expect((await control(sb, 'get', '/_sandbox/faults')).body.faults[0].remaining).toBe(1);
  });

  test("paths may be the spec's template or a * wildcard; method * matches any", async () => {
    const created = await create(sb, item());
    const one = `${PATH}/${created.body.distributions[0].id}`;
    await arm({ method: 'GET', path: '/v3/custody/distributions/{distributionId}', status: 503 });
    await arm({ method: '*', path: '/v3/custody/*', status: 500, count: 2 });

    expect((await get(sb, PATH)).status).toBe(500); // the template does not match the list path
    expect((await get(sb, one)).status).toBe(503); // the template matches; the older fault wins
    expect((await create(sb, item())).status).toBe(500); // method *
    expect((await get(sb, one)).status).toBe(200);
  });

  test('a latency-only fault delays the request, which then succeeds; the journal shows the fault', async () => {
    const waits: number[] = [];
    sb = await testSandbox({ sleep: async (ms) => void waits.push(ms) }); // no real wait in a test
    await arm({ method: 'GET', path: PATH, latency_ms: 1500 });

    const res = await get(sb, PATH);
    expect(res.status).toBe(200);
    expect(res.body.custody_distributions).toEqual([]);
    expect(waits).toEqual([1500]);
    const [entry] = await journal(sb);
    expect(entry).toMatchObject({ status: 200, matched_contract: true, failure: null, fault: { id: 'flt_1', status: null, latency_ms: 1500 } });
    expect((await control(sb, 'get', '/_sandbox/faults')).body.faults).toEqual([]);
  });

  test('the journal records an injected failure as a fault on a request that matched the contract', async () => {
    await arm({ method: 'POST', path: PATH, status: 503 });
    await create(sb, item());

    const [entry] = await journal(sb);
    expect(entry).toMatchObject({ operation: 'createDistributions', status: 503, matched_contract: true, failure: { kind: 'fault' }, fault: { id: 'flt_1', status: 503, latency_ms: 0 } });
  });

  test('DELETE clears every fault; DELETE /{id} one; an unknown id is a 404 problem', async () => {
    await arm({ method: 'GET', path: PATH, status: 503 });
    await arm({ method: 'POST', path: PATH, status: 503 });

    expect((await control(sb, 'delete', '/_sandbox/faults/flt_1')).status).toBe(204);
    expect((await control(sb, 'get', '/_sandbox/faults')).body.faults.map((f: { id: string }) => f.id)).toEqual(['flt_2']);
    const missing = await control(sb, 'delete', '/_sandbox/faults/flt_1');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ type: 'about:blank', title: 'Not Found', status: 404, detail: "no fault 'flt_1' is armed" });

    expect((await control(sb, 'delete', '/_sandbox/faults')).status).toBe(204);
    expect((await control(sb, 'get', '/_sandbox/faults')).body.faults).toEqual([]);
    expect((await create(sb, item())).status).toBe(200);
  });

  test.each([
    ['neither status nor latency', { method: 'GET', path: PATH }, 'a fault needs a status, a latency_ms, or both'],
    ['a 2xx status', { method: 'GET', path: PATH, status: 200 }, 'status must be >= 400'],
    ['an unknown method', { method: 'TRACE', path: PATH, status: 500 }, 'method must be one of'],
    ['a relative path', { method: 'GET', path: 'v3', status: 500 }, 'path must match pattern'],
    ['a zero count', { method: 'GET', path: PATH, status: 500, count: 0 }, 'count must be >= 1'],
    ['a huge count', { method: 'GET', path: PATH, status: 500, count: 1e9 }, 'count must be <= 10000'],
    ['a negative latency', { method: 'GET', path: PATH, latency_ms: -1 }, 'latency_ms must be >= 0'],
    ['a status as a string', { method: 'GET', path: PATH, status: '500' }, 'status must be integer'],
    ['an unknown field', { method: 'GET', path: PATH, status: 500, body: 'x' }, 'body is not a recognized field'],
    ['retry_after without a 429', { method: 'GET', path: PATH, status: 503, retry_after: 5 }, 'retry_after applies only to a fault with status 429'],
    ['a path no API serves', { method: 'GET', path: '/nope', status: 500 }, 'no mocked API serves /nope, so the fault would never apply: its path must fall under /v3/custody, /oauth/token, /v1 (or be a pattern such as *)'],
    ['the health check', { method: 'GET', path: '/healthz', status: 500 }, 'no mocked API serves /healthz'],
    ['a control path', { method: 'POST', path: '/_sandbox/reset', status: 500 }, 'no mocked API serves /_sandbox/reset'],
    ['a typo in a mount path', { method: 'GET', path: '/v3/custodian/*', status: 500 }, 'no mocked API serves /v3/custodian/*'],
  ])('%s is a 400 problem and nothing is armed', async (_name, body, detail) => {
    const res = await control(sb, 'post', '/_sandbox/faults', body);

    expectProblem(res, 400, detail);
    expect(sb.faults.size).toBe(0);
  });

  test.each(['*', '/v*', '/oauth/token', '/v1/{anything}', '/v3/custody/distributions/'])('%s reaches a mocked API, so it is armed', async (path) => {
    const res = await control(sb, 'post', '/_sandbox/faults', { method: 'GET', path, status: 500 });

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ path, status: 500, remaining: 1 });
  });

  test('a body over 100 kB is a 413 problem; malformed JSON a 400 problem', async () => {
    const huge = await control(sb, 'post', '/_sandbox/faults', { method: 'GET', path: PATH, status: 500, pad: 'x'.repeat(200_000) });
    const malformed = await request(sb.app).post('/_sandbox/faults').set('Content-Type', 'application/json').send('{"method":');

    expect(huge.status).toBe(413);
    expect(huge.body).toEqual({ type: 'about:blank', title: 'Payload Too Large', status: 413, detail: 'request body is too large' });
    expect(malformed.status).toBe(400);
    expect(malformed.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(malformed.body).toEqual({ type: 'about:blank', title: 'Bad Request', status: 400, detail: 'request body is not valid JSON' });
    expect(sb.faults.size).toBe(0);
  });

  test('an armed pattern that would make a regular expression backtrack for minutes costs nothing per request', async () => {
    await arm({ method: 'GET', path: `/v3/custody/${'*a'.repeat(40)}b`, status: 503 });

    const res = await get(sb, PATH); // no b: no match
    const long = await request(sb.app).get(`/v3/custody/${'a'.repeat(2000)}`).set('Authorization', 'Bearer sandbox:sandbox_api_key');

    expect(res.status).toBe(200);
    expect(long.status).toBe(404); // an undocumented NorCap route, answered promptly
    expect((await sb.faults.list())[0]?.remaining).toBe(1);
  });

  test(`at most ${MAX_FAULTS} faults are armed at once (409 beyond)`, async () => {
    for (let i = 0; i < MAX_FAULTS; i++) await sb.faults.add({ method: 'GET', path: `/v3/custody/x${i}`, status: 500 });

    const res = await control(sb, 'post', '/_sandbox/faults', { method: 'GET', path: PATH, status: 500 });
    expect(res.status).toBe(409);
    expect(sb.faults.size).toBe(MAX_FAULTS);
  });

  test('faults never touch the controls or the health check', async () => {
    await arm({ method: '*', path: '*', status: 503 });

    expect((await control(sb, 'get', '/_sandbox/clock')).status).toBe(200);
    expect((await request(sb.app).get('/healthz')).status).toBe(200);
    expect((await sb.faults.list())[0]?.remaining).toBe(1);
  });
});

describe('injectFaults: the delay comes before the request proceeds', () => {
  test('the handler runs only once the injected latency has elapsed', async () => {
    const faults = new FaultRegistry();
    faults.add({ method: 'GET', path: PATH, latency_ms: 250 });
    let release: () => void = () => undefined;
    const waits: number[] = [];
    const sleep = (ms: number) =>
      new Promise<void>((resolve) => {
        waits.push(ms);
        release = resolve;
      });
    let handled = false;
    const app = express()
      .use(resolveRequest([]))
      .use(injectFaults(faults, sleep))
      .get(PATH, (_req, res) => {
        handled = true;
        res.json({ ok: true });
      });

    const pending = request(app).get(PATH).then((res) => res);
    while (waits.length === 0) await new Promise((resolve) => setImmediate(resolve));
    expect(waits).toEqual([250]);
    expect(handled).toBe(false);

    release();
    const res = await pending;
    expect(res.status).toBe(200);
    expect(handled).toBe(true);
  });
});
