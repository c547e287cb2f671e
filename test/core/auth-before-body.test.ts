import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import request from 'supertest';
import type { Sandbox } from '../../src/sandbox.js';
import { PATH, SANDBOX_AUTH } from '../norcap/helpers.js';
import { tokenFor } from '../nova/helpers.js';
import { expectContract, testSandbox } from '../support/harness.js';

// Authentication is the first step of each API's pipeline, before the body is read: a client
// without valid credentials gets 401 whatever its body, and the server never reads that body.

let sb: Sandbox;
let baseUrl: string;
let novaToken: string;
let contactsAtStart: number;

beforeAll(async () => {
  sb = await testSandbox();
  baseUrl = await sb.start(0);
  novaToken = await tokenFor(sb);
  contactsAtStart = await sb.store.count('novaContacts');
});
afterAll(() => sb.stop());

/**
 * Sends only the headers of a request that announces `length` bytes, and resolves with the
 * response the server gives without them. A server that waited for the body would never answer
 * (the test would time out, which is the failure).
 */
function headersOnly(path: string, headers: Record<string, string>, length: number): Promise<{ status: number; body: string; headers: IncomingMessage['headers'] }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, baseUrl);
    const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { ...headers, 'Content-Type': 'application/json', 'Content-Length': String(length) } });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        req.destroy(); // the announced body is never sent
        resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.flushHeaders(); // the body never comes
  });
}

describe('401 before any body error, on both APIs', () => {
  test.each([
    ['malformed JSON', '{"newDistributions": ['],
    ['a top-level scalar', '42'],
    ['a body of the wrong shape', '{"nope":true}'],
  ])('NorCap: no credentials and %s → 401 1401, nothing created', async (_name, body) => {
    const res = await request(sb.app).post(PATH).set('Content-Type', 'application/json').send(body);
    expectContract('norcap', res);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ statusCode: '1401', statusDesc: expect.stringContaining('missing credentials') });
    expect(await sb.store.count('norcapDistributions')).toBe(0);
  });

  test('NorCap: wrong credentials and a body over the limit → 401, not 413', async () => {
    const res = await request(sb.app).post(PATH).set('Authorization', 'Bearer sandbox:wrong').set('Content-Type', 'application/json').send(`{"x":"${'a'.repeat(1_100_000)}"}`);
    expectContract('norcap', res);
    expect(res.status).toBe(401);
    expect(res.body.statusCode).toBe('1401');
  });

  test.each([
    ['malformed JSON', '[{"name":'],
    ['a top-level scalar', 'null'],
    ['a body of the wrong shape', '{"nope":true}'],
  ])('Nova: no token and %s → 401 unauthorized with its challenge, nothing created', async (_name, body) => {
    const res = await request(sb.app).post('/v1/contacts').set('Content-Type', 'application/json').send(body);
    expectContract('nova', res);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="nova"');
    expect(res.body.error.code).toBe('unauthorized');
    expect(await sb.store.count('novaContacts')).toBe(contactsAtStart);
  });

  test('Nova: an unknown token and a body over the limit → 401 invalid_token, not 413', async () => {
    const res = await request(sb.app).post('/v1/entities').set('Authorization', 'Bearer not-a-token').set('Content-Type', 'application/json').send(`["${'a'.repeat(1_100_000)}"]`);
    expectContract('nova', res);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_token');
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  test('the 401 comes without the server reading the body: a client that announces 5 MB and sends none is answered', async () => {
    const norcap = await headersOnly(PATH, {}, 5 * 1024 * 1024);
    expect(norcap.status).toBe(401);
    expect(JSON.parse(norcap.body).statusCode).toBe('1401');
    const nova = await headersOnly('/v1/distributions', {}, 5 * 1024 * 1024);
    expect(nova.status).toBe(401);
    expect(JSON.parse(nova.body).error.code).toBe('unauthorized');
    // A keyed create whose body is within the limit, by a token no request settled: on
    // PostgreSQL too its body is not read ahead (the claim waits), so the 401 comes at once.
    const keyed = await headersOnly('/v1/contacts', { Authorization: 'Bearer not-a-token', 'Idempotency-Key': 'never-sent' }, 1000);
    expect(keyed.status).toBe(401);
    expect(JSON.parse(keyed.body).error.code).toBe('invalid_token');
  });

  test('Nova: a token that worked a moment ago and has expired since, with a body that is not JSON, under a key → 401, not 400', async () => {
    // On PostgreSQL such a token's create has its body read (and its key claimed) ahead; its
    // failure must still be answered after authentication, and the key keep nothing.
    const token = await tokenFor(sb);
    const worked = await request(sb.app).post('/v1/contacts').set('Authorization', `Bearer ${token}`).send([{ name: 'Ann', email: 'ann@example.com' }]);
    expect(worked.status).toBe(201);
    await request(sb.app).post('/_sandbox/clock/advance').send({ seconds: 3601 }).expect(200);
    const expired = await request(sb.app).post('/v1/contacts').set('Authorization', `Bearer ${token}`).set('Idempotency-Key', 'expired-then-bad-body').set('Content-Type', 'application/json').send('{"name":');
    expectContract('nova', expired);
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('invalid_token');
    expect(await sb.store.count('novaIdempotencyKeys')).toBe(0);
    expect(await sb.store.count('novaContacts')).toBe(contactsAtStart + 1);
    novaToken = await tokenFor(sb); // the suite's token expired with the clock
  });

  test('an authenticated body announced over the limit is refused at once, before a byte of it arrives, and the connection is closed', async () => {
    const norcap = await headersOnly(PATH, { Authorization: SANDBOX_AUTH }, 5 * 1024 * 1024);
    expect(norcap.status).toBe(400); // NorCap answers every invalid request 400 / 1400
    expect(JSON.parse(norcap.body)).toEqual({ statusCode: '1400', statusDesc: expect.stringContaining('request body is too large') });
    expect(norcap.headers.connection).toBe('close');
    const nova = await headersOnly('/v1/distributions', { Authorization: `Bearer ${novaToken}` }, 5 * 1024 * 1024);
    expect(nova.status).toBe(413);
    expect(JSON.parse(nova.body).error.code).toBe('body_too_large');
    expect(nova.headers.connection).toBe('close');
  });
});
