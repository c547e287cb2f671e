import { beforeEach, describe, expect, test } from '@jest/globals';
import request from 'supertest';
import { CORS_ALLOWED_HEADERS, CORS_EXPOSED_HEADERS } from '../../src/core/cors.js';
import type { Sandbox } from '../../src/sandbox.js';
import { PATH, SANDBOX_AUTH } from '../norcap/helpers.js';
import { expectNovaError, tokenFor, VEHICLE_1 } from '../nova/helpers.js';
import { expectContract, testSandbox } from '../support/harness.js';

const ORIGIN = 'http://app.example.test:3000';

/** What a browser sends before a cross-origin call carrying Authorization. */
function preflight(sb: Sandbox, path: string, method = 'GET', headers = 'authorization,x-organization-id') {
  return request(sb.app).options(path).set('Origin', ORIGIN).set('Access-Control-Request-Method', method).set('Access-Control-Request-Headers', headers);
}

describe('CORS on the mocked APIs (default on)', () => {
  let sb: Sandbox;
  beforeEach(async () => {
    sb = await testSandbox();
  });

  test.each([
    ['/v1/vehicles', 'GET'],
    ['/v1/distributions', 'POST'],
    ['/oauth/token', 'POST'],
    [PATH, 'POST'],
    [`${PATH}/some-id`, 'GET'],
  ])('a preflight OPTIONS %s (%s) is answered 204 before authentication, with the APIs\' methods and headers', async (path, method) => {
    const res = await preflight(sb, path, method, 'authorization,content-type,idempotency-key,x-organization-id');
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-methods']).toBe('GET,HEAD,POST');
    expect(res.headers['access-control-allow-headers']).toBe(CORS_ALLOWED_HEADERS.join(','));
    expect(res.headers['access-control-allow-headers']).toBe('Authorization,Content-Type,Idempotency-Key,X-Organization-Id');
    expect(res.headers['www-authenticate']).toBeUndefined();
    // A preflight is the browser's question, not an API call: neither journaled nor counted.
    expect(sb.journal.list({})).toEqual({ entries: [], total: 0 });
    expect(sb.coverage.report().summary.operations_exercised).toBe(0);
  });

  test('a plain OPTIONS (no Access-Control-Request-Method: not a preflight) still reaches the API: 405 with Allow', async () => {
    const token = await tokenFor(sb);
    const res = await request(sb.app).options('/v1/vehicles').set('Origin', ORIGIN).set('Authorization', `Bearer ${token}`);
    expectNovaError(res, 405, 'method_not_allowed');
    expect(res.headers.allow).toBe('GET');
    expect(res.headers['access-control-allow-methods']).toBeUndefined();
  });

  test('a preflight is answered even while a fault on every method is armed: only the real request is faulted', async () => {
    await sb.faults.add({ method: '*', path: '/v1/*', status: 503, count: 2 });
    const pre = await preflight(sb, '/v1/vehicles');
    expect(pre.status).toBe(204);
    expect((await sb.faults.list())[0]?.remaining).toBe(2); // the preflight used none of it
    const faulted = await request(sb.app).get('/v1/vehicles').set('Origin', ORIGIN);
    expect(faulted.status).toBe(503);
    expectContract('nova', faulted);
    expect(faulted.headers['access-control-allow-origin']).toBe('*'); // the page can read the injected failure
    expect((await sb.faults.list())[0]?.remaining).toBe(1);
  });

  test('an API answer carries Access-Control-Allow-Origin and exposes the headers a client needs', async () => {
    const token = await tokenFor(sb);
    const res = await request(sb.app).get('/v1/vehicles').set('Origin', ORIGIN).set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expectContract('nova', res);
    expect(res.body.data.map((v: { id: string }) => v.id)).toEqual([VEHICLE_1]);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-expose-headers']).toBe(CORS_EXPOSED_HEADERS.join(','));
    expect(res.headers['access-control-expose-headers']).toBe('Idempotent-Replayed,Retry-After,WWW-Authenticate');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined(); // credentials are headers, never cookies
  });

  test('errors carry it too: a browser reads the 401 and its challenge', async () => {
    const res = await request(sb.app).get(PATH).set('Origin', ORIGIN);
    expect(res.status).toBe(401);
    expectContract('norcap', res);
    expect(res.body.statusCode).toBe('1401');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="norcap"');
    const listed = await request(sb.app).get(PATH).set('Origin', ORIGIN).set('Authorization', SANDBOX_AUTH);
    expect(listed.status).toBe(200);
    expectContract('norcap', listed);
    expect(listed.headers['access-control-allow-origin']).toBe('*');
  });

  test.each(['/_sandbox/clock', '/_sandbox/reset', '/healthz', '/'])('never on %s: no CORS header, and a preflight gets no 204', async (path) => {
    const get = await request(sb.app).get(path).set('Origin', ORIGIN);
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
    const pre = await preflight(sb, path, 'POST', 'content-type');
    expect(pre.status).not.toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    expect(pre.headers['access-control-allow-methods']).toBeUndefined();
  });
});

describe('cors: false', () => {
  test('no CORS header on any answer, and a preflight goes through like any OPTIONS request (today: refused)', async () => {
    const sb = await testSandbox({ cors: false });
    const pre = await preflight(sb, '/v1/vehicles');
    expect(pre.status).toBe(401); // authentication comes first, as before CORS existed
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    expect(pre.headers['access-control-allow-methods']).toBeUndefined();
    const token = await tokenFor(sb);
    const res = await request(sb.app).get('/v1/vehicles').set('Origin', ORIGIN).set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expectContract('nova', res);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['access-control-expose-headers']).toBeUndefined();
  });
});
