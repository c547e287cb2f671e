import { beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import request from 'supertest';
import { hashToken, MAX_TOKENS_PER_CLIENT } from '../../src/apis/nova/tokens.js';
import type { Sandbox } from '../../src/sandbox.js';
import { expectContract, testSandbox } from '../support/harness.js';
import { basicAuth, MULTI_ORG_CLIENT, NovaClient, ORG_1, ORG_2, SANDBOX_CLIENT, tokenFor, tokenRequest, VEHICLE_2 } from './helpers.js';

const GRANT = { grant_type: 'client_credentials' };
const BODY_CREDENTIALS = { ...GRANT, client_id: SANDBOX_CLIENT.id, client_secret: SANDBOX_CLIENT.secret };

let sb: Sandbox;
beforeAll(async () => {
  sb = await testSandbox();
});
beforeEach(() => sb.reset()); // fixtures back, clock at T0, no faults: cheaper than a new app per test

/** GET /v1/vehicles with this token: 200 when it is accepted. */
async function vehiclesWith(token: string, organization?: string): Promise<request.Response> {
  return new NovaClient(sb.app, token, { organization }).get('/v1/vehicles');
}

describe('POST /oauth/token issues bearer tokens (RFC 6749 §4.4)', () => {
  test.each([
    ['HTTP Basic', GRANT, basicAuth(SANDBOX_CLIENT.id, SANDBOX_CLIENT.secret)],
    ['client_id and client_secret in the body', BODY_CREDENTIALS, undefined],
    ['both, when they agree', BODY_CREDENTIALS, basicAuth(SANDBOX_CLIENT.id, SANDBOX_CLIENT.secret)],
  ])('with %s', async (_how, form, authorization) => {
    const res = await tokenRequest(sb, form, authorization);

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ access_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), token_type: 'Bearer', expires_in: 3600 });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.pragma).toBe('no-cache');
    expect((await vehiclesWith(res.body.access_token)).status).toBe(200);
    // Only a hash is kept: the stored state holds no usable token.
    expect(await sb.store.get('novaTokens', res.body.access_token)).toBeUndefined();
    expect(await sb.store.get('novaTokens', hashToken(res.body.access_token))).toEqual({ clientId: 'sandbox_client', organization: null, expiresAtMs: Date.parse('2024-04-20T13:00:00Z') });
  });

  test('Basic credentials are form-decoded before use (RFC 6749 §2.3.1)', async () => {
    const encoded = `Basic ${Buffer.from('sandbox%5Fclient:sandbox%5Fsecret').toString('base64')}`;
    expect((await tokenRequest(sb, GRANT, encoded)).status).toBe(200);
  });

  test('a token is accepted until 3600 s after issue and refused from then on', async () => {
    const token = await tokenFor(sb);
    sb.clock.advance(3599);
    expect((await vehiclesWith(token)).status).toBe(200);

    sb.clock.advance(2); // 3601 s after issue
    const res = await vehiclesWith(token);

    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { code: 'invalid_token', message: 'the access token expired' } });
    expect(res.headers['www-authenticate']).toBe('Bearer realm="nova", error="invalid_token", error_description="the access token expired"');
  });

  test('a token refused after clock.advance(3601) right after issue; a fresh one works', async () => {
    const token = await tokenFor(sb);
    sb.clock.advance(3601);
    expect((await vehiclesWith(token)).status).toBe(401);
    expect((await vehiclesWith(await tokenFor(sb))).status).toBe(200);
  });
});

describe('token endpoint errors are RFC 6749 §5.2 errors', () => {
  const issued = () => sb.store.count('novaTokens');

  // RFC 6749 §5.2: the Basic challenge answers a client that tried Basic. A client that sent its
  // credentials in the form gets none: openid-client v6 reads a Basic challenge as the server
  // demanding Basic, and throws a challenge error instead of the invalid_client it should see.
  test.each([
    ['a wrong secret over Basic', GRANT, basicAuth(SANDBOX_CLIENT.id, 'nope'), 'client authentication failed'],
    ['an unknown client over Basic', GRANT, basicAuth('nobody', 'x'), 'client authentication failed'],
    ['a Basic header that is not id:secret', GRANT, `Basic ${Buffer.from('no-colon').toString('base64')}`, 'malformed Basic credentials: expected base64(client_id:client_secret)'],
    ['a Basic header that is not base64', GRANT, 'Basic sandbox_client:sandbox_secret', 'malformed Basic credentials: expected base64(client_id:client_secret)'],
    ['a Basic header with an empty client id', GRANT, `Basic ${Buffer.from(':sandbox_secret').toString('base64')}`, 'malformed Basic credentials: expected base64(client_id:client_secret)'],
  ])('%s: 401 invalid_client with a Basic challenge', async (_case, form, authorization, description) => {
    const res = await tokenRequest(sb, form, authorization);

    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'invalid_client', error_description: description });
    expect(res.headers['www-authenticate']).toBe('Basic realm="nova"');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(await issued()).toBe(0);
  });

  test.each([
    ['a wrong secret in the body', { ...GRANT, client_id: SANDBOX_CLIENT.id, client_secret: 'nope' }, 'client authentication failed'],
    ['an unknown client in the body', { ...GRANT, client_id: 'nobody', client_secret: 'x' }, 'client authentication failed'],
    ['no client authentication', GRANT, 'client authentication is required: HTTP Basic, or client_id and client_secret in the body'],
    ['a client_id without its secret', { ...GRANT, client_id: SANDBOX_CLIENT.id }, 'client authentication is required: HTTP Basic, or client_id and client_secret in the body'],
  ])('%s: 401 invalid_client without a Basic challenge', async (_case, form, description) => {
    const res = await tokenRequest(sb, form);

    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'invalid_client', error_description: description });
    expect(res.headers['www-authenticate']).toBeUndefined();
    expect(res.headers['cache-control']).toBe('no-store');
    expect(await issued()).toBe(0);
  });

  test('credentials in the header and the body that disagree: 400 invalid_request', async () => {
    const res = await tokenRequest(sb, { ...GRANT, client_id: MULTI_ORG_CLIENT.id, client_secret: MULTI_ORG_CLIENT.secret }, basicAuth(SANDBOX_CLIENT.id, SANDBOX_CLIENT.secret));

    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'client credentials were given both in the Authorization header and in the body, with different values' });
    expect(await issued()).toBe(0);
  });

  test.each([
    ['password', { ...BODY_CREDENTIALS, grant_type: 'password' }],
    ['authorization_code', { ...BODY_CREDENTIALS, grant_type: 'authorization_code' }],
    // The spec's enum is checked with the form, before the client is authenticated.
    ['password, with a wrong secret', { ...BODY_CREDENTIALS, client_secret: 'wrong', grant_type: 'password' }],
  ])('grant_type %s: 400 unsupported_grant_type, not invalid_request', async (_case, form) => {
    const res = await tokenRequest(sb, form);

    expect(res.status).toBe(400);
    expect(res.headers['www-authenticate']).toBeUndefined();
    expect(res.body).toEqual({ error: 'unsupported_grant_type', error_description: 'grant_type must be one of: client_credentials' });
    expect(await issued()).toBe(0);
  });

  test.each([
    ['no grant_type', { client_id: SANDBOX_CLIENT.id, client_secret: SANDBOX_CLIENT.secret }, 'grant_type is required'],
    ['a repeated grant_type', 'grant_type=client_credentials&grant_type=client_credentials&client_id=sandbox_client&client_secret=sandbox_secret', 'grant_type must be string'],
  ])('%s: 400 invalid_request', async (_case, form, description) => {
    const res = await request(sb.app).post('/oauth/token').type('form').send(form);
    expectContract('nova', res);

    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: description });
    expect(await issued()).toBe(0);
  });

  test.each([
    ['a JSON body', 'application/json', JSON.stringify(BODY_CREDENTIALS), 'the token request must be application/x-www-form-urlencoded'],
    ['malformed JSON', 'application/json', '{"grant_type":', 'request body is not valid JSON'],
    ['no body at all', undefined, undefined, 'the token request must be application/x-www-form-urlencoded'],
  ])('%s: 400 invalid_request', async (_case, contentType, body, description) => {
    let req = request(sb.app).post('/oauth/token');
    if (contentType) req = req.set('Content-Type', contentType);
    const res = await (body === undefined ? req : req.send(body));
    expectContract('nova', res);

    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: description });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  test('a method other than POST: 405, still in the RFC 6749 shape', async () => {
    const res = await request(sb.app).get('/oauth/token');

    expect(res.status).toBe(405);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'method not allowed' });
  });

  test('an injected fault on the token endpoint answers temporarily_unavailable', async () => {
    await sb.faults.add({ method: 'POST', path: '/oauth/token', status: 503 });

    const res = await tokenRequest(sb, BODY_CREDENTIALS);

    expect(res.status).toBe(503);
    expect(res.body).toEqual({ error: 'temporarily_unavailable', error_description: expect.stringContaining('fault injected') });
  });
});

describe('organization binding (form parameter `organization`, sandbox addition)', () => {
  test('a token bound to one organization acts on it without X-Organization-Id and may not name another', async () => {
    const token = await tokenFor(sb, MULTI_ORG_CLIENT, ORG_2);

    const vehicles = await vehiclesWith(token);
    expect(vehicles.status).toBe(200);
    expect(vehicles.body.data.map((v: { id: string }) => v.id)).toEqual([VEHICLE_2]);

    const other = await vehiclesWith(token, ORG_1);
    expect(other.status).toBe(403);
    expect(other.body).toEqual({ error: { code: 'forbidden', message: "the access token is bound to another organization than organization 'org_Xk7d2pQR9m3nBwYz'", param: 'X-Organization-Id' } });
  });

  test('binding to an organization the client was not granted: 400 invalid_request, no token', async () => {
    const res = await tokenRequest(sb, { ...BODY_CREDENTIALS, organization: ORG_2 });

    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: "organization 'org_Zq8LmN4vT2sRkW7c' is not granted to this client" });
    expect(await sb.store.count('novaTokens')).toBe(0);
  });

  test('a malformed organization: 400 invalid_request naming the rule, no token', async () => {
    const res = await tokenRequest(sb, { ...BODY_CREDENTIALS, organization: 'acme' });

    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'organization must match pattern "^org_[A-Za-z0-9]+$"' });
    expect(await sb.store.count('novaTokens')).toBe(0);
  });
});

describe('the token store is bounded', () => {
  test(`a client keeps at most ${MAX_TOKENS_PER_CLIENT} tokens: the oldest is dropped`, async () => {
    const first = await tokenFor(sb);
    const rest: string[] = [];
    for (let i = 0; i < MAX_TOKENS_PER_CLIENT; i++) rest.push(await tokenFor(sb));

    expect(await sb.store.count('novaTokens')).toBe(MAX_TOKENS_PER_CLIENT);
    expect(await sb.store.count('novaTokens', 'sandbox_client')).toBe(MAX_TOKENS_PER_CLIENT);
    const refused = await vehiclesWith(first);
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('invalid_token');
    expect((await vehiclesWith(rest[0] as string)).status).toBe(200);
  });

  test("a client's expired tokens are purged when it is issued a new one; other clients' are not touched", async () => {
    await tokenFor(sb);
    await tokenFor(sb);
    await tokenFor(sb, MULTI_ORG_CLIENT);
    sb.clock.advance(3600);

    const fresh = await tokenFor(sb);

    expect((await sb.store.page('novaTokens', 'sandbox_client', { limit: 10, newestFirst: false }))?.ids).toEqual([hashToken(fresh)]);
    expect(await sb.store.get('novaTokens', hashToken(fresh))).toEqual({ clientId: 'sandbox_client', organization: null, expiresAtMs: Date.parse('2024-04-20T14:00:00Z') });
    expect(await sb.store.count('novaTokens')).toBe(2); // the fresh one and multi_org_client's
  });
});
