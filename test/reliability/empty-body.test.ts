import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { ResponseContract } from '../../src/core/contract/responses.js';
import type { Sandbox } from '../../src/sandbox.js';
import { tokenFor, novaCounts } from '../nova/helpers.js';
import { testSandbox } from '../support/harness.js';
import { rawRequest } from './raw-http.js';

// A create whose spec says `requestBody: required: true`, sent with a JSON content type and no
// body at all (no Content-Length, no Transfer-Encoding): express-openapi-validator requires a
// body only when its schema has a `required` list, so Nova's array bodies slipped through to
// the handlers (a 500). Every API answers 400 in its own envelope.

let sb: Sandbox;
let baseUrl: string;
let token: string;
beforeAll(async () => {
  sb = await testSandbox();
  baseUrl = await sb.start(0);
  token = await tokenFor(sb);
});
afterAll(() => sb.stop());

function bodiless(path: string, authorization: string, extra = ''): ReturnType<typeof rawRequest> {
  return rawRequest(baseUrl, `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${authorization}\r\nContent-Type: application/json\r\n${extra}Connection: close\r\n\r\n`);
}

describe('a required JSON body that is absent is 400, never 500', () => {
  test.each(['/v1/entities', '/v1/contacts', '/v1/distributions'])('Nova POST %s: 400 invalid_request, nothing created', async (path) => {
    const before = await novaCounts(sb);
    const res = await bodiless(path, `Bearer ${token}`);

    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ error: { code: 'invalid_request', message: 'request body is required' } });
    expect(ResponseContract.for('nova').check('POST', path, 400, JSON.parse(res.body), res.headers['content-type'] as string).problems).toEqual([]);
    expect(await novaCounts(sb)).toEqual(before);
  });

  test('Nova with an Idempotency-Key: the same 400, stored for the key like any 400', async () => {
    const first = await bodiless('/v1/entities', `Bearer ${token}`, 'Idempotency-Key: empty-body-1\r\n');
    const again = await bodiless('/v1/entities', `Bearer ${token}`, 'Idempotency-Key: empty-body-1\r\n');

    expect([first.status, JSON.parse(first.body).error.code]).toEqual([400, 'invalid_request']);
    expect([again.status, again.headers['idempotent-replayed'], again.body]).toEqual([400, 'true', first.body]);
  });

  test('NorCap POST /v3/custody/distributions: 400 / 1400 (as before)', async () => {
    const res = await bodiless('/v3/custody/distributions', 'Bearer sandbox:sandbox_api_key');

    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ statusCode: '1400', statusDesc: 'Bad request: request body is required' });
  });
});
