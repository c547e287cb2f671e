import { beforeAll, describe, expect, test } from '@jest/globals';
import request from 'supertest';
import { OperationIndex } from '../../src/core/contract/operations.js';
import type { Sandbox } from '../../src/sandbox.js';
import { expectContract, testSandbox } from '../support/harness.js';
import { distributionItem, ENTITY_1, expectNovaError, MULTI_ORG_CLIENT, NovaClient, novaCounts, ORG_1, ORG_2, SANDBOX_CLIENT, tokenRequest, freshNovaForEachTest } from './helpers.js';

// What an integrator's mistakes (or a fuzzer) send: each gets a clear answer in Nova's envelope
// (RFC 6749's on the token endpoint), never a stack trace, an HTML page or a 500.

let sb: Sandbox;
let client: NovaClient;
freshNovaForEachTest((s, c) => ((sb = s), (client = c)));

const counts = () => novaCounts(sb);

/** Every documented `/v1` operation, its path parameters filled with ids of the right shape. */
const V1_OPERATIONS = OperationIndex.for('nova')
  .operations.filter((op) => op.path.startsWith('/v1/'))
  .map((op) => ({ method: op.method.toLowerCase() as 'get' | 'post', path: op.path.replace(/\{(\w+?)_id\}/g, (_m, noun: string) => `${{ entity: 'ent', contact: 'cnt', vehicle: 'veh', distribution: 'dst', payment: 'dpmt' }[noun]}_x1`) }));

describe('every /v1 operation refuses a request without a valid bearer token, before anything else', () => {
  test('the list covers the spec: 13 operations', () => {
    expect(V1_OPERATIONS).toHaveLength(13);
  });

  test.each(V1_OPERATIONS)('$method $path', async ({ method, path }) => {
    const before = await counts();
    const none = await request(sb.app)[method](path).set('Content-Type', 'application/json').send('[{}]');
    const unknown = await request(sb.app)[method](path).set('Authorization', 'Bearer not-a-token').set('Content-Type', 'application/json').send('[{}]');
    expectContract('nova', none);
    expectContract('nova', unknown);

    expect([none.status, none.body.error.code, none.headers['www-authenticate']]).toEqual([401, 'unauthorized', 'Bearer realm="nova"']);
    expect([unknown.status, unknown.body.error.code]).toEqual([401, 'invalid_token']);
    expect(unknown.headers['www-authenticate']).toContain('error="invalid_token"');
    expect(await counts()).toEqual(before);
  });
});

describe('URLs a client mangled', () => {
  test.each([
    ['a path id with broken percent-encoding', '/v1/entities/%zz', { code: 'invalid_request', message: 'the request path is not validly percent-encoded' }],
    ['a query name with broken percent-encoding', '/v1/vehicles?%zz=1', { code: 'parameter_invalid', message: 'query parameter %zz is not a recognized parameter', param: '%zz' }],
  ])('%s: 400 in the envelope, not a 500 page', async (_case, path, error) => {
    const res = await client.get(path);

    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ error });
  });

  test('a path in another case than the spec spells it is no route (404 in the envelope), even though express would match it', async () => {
    const res = await client.prepare('get', '/v1/Entities');

    expectNovaError(res, 404, 'route_not_found');
    expect(res.body.error.message).toBe('no such route');
  });

  test('a trailing slash is the same route', async () => {
    const res = await client.get('/v1/vehicles/');

    expect(res.status).toBe(200);
    expect(res.body.url).toBe('/v1/vehicles');
  });

  test.each([
    ['PUT', '/v1/entities', 'GET, POST'],
    ['DELETE', '/v1/distributions/dst_x1', 'GET'],
    ['OPTIONS', '/v1/vehicles', 'GET'],
  ])('%s %s: 405 method_not_allowed naming the methods it has (Allow, RFC 9110 §15.5.6)', async (method, path, allow) => {
    const res = await request(sb.app)[method.toLowerCase() as 'put' | 'delete' | 'options'](path).set('Authorization', `Bearer ${client.token}`);

    expectNovaError(res, 405, 'method_not_allowed');
    expect(res.headers.allow).toBe(allow);
  });
});

describe('bodies that are JSON but not what a create takes', () => {
  test.each([
    ['null', 'null'],
    ['"a string"', 'string'],
    ['42', 'number'],
    ['true', 'boolean'],
  ])('%s: 400 invalid_request saying what it got, nothing created', async (raw, kind) => {
    const before = await counts();

    const res = await client.prepare('post', '/v1/distributions').set('Content-Type', 'application/json').send(raw);
    expectContract('nova', res);

    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'invalid_request', message: `request body must be a JSON object or array, not ${kind}` } });
    expect(await counts()).toEqual(before);
  });
});

describe('values the format check must refuse, or the answer would break the spec', () => {
  test.each([
    ['a day that does not exist', { distribution_date: '2024-02-30T00:00:00Z' }, '[0].distribution_date', '[0].distribution_date must match format "date-time"'],
    ['an hour past 23', { distribution_date: '2024-02-03T24:00:00Z' }, '[0].distribution_date', '[0].distribution_date must match format "date-time"'],
    ['a date that is in the year 10000 once in UTC', { distribution_date: '9999-12-31T23:00:00-02:00' }, '[0].distribution_date', '[0].distribution_date falls outside the years 0000 to 9999 once in UTC'],
    [
      'an override before the year 0000 once in UTC',
      { payments: [{ amount: 1, currency: 'USD', entity: ENTITY_1, distribution_date_override: '0000-01-01T00:00:00+01:00' }] },
      '[0].payments[0].distribution_date_override',
      '[0].payments[0].distribution_date_override falls outside the years 0000 to 9999 once in UTC',
    ],
  ])('%s: 400 parameter_invalid, nothing created', async (_case, overrides, param, message) => {
    const before = await counts();

    const res = await client.post('/v1/distributions', [distributionItem(overrides)]);

    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'parameter_invalid', message, param } });
    expect(await counts()).toEqual(before);
  });

  test.each([
    ['an amount past 2^53 - 1', [distributionItem({ payments: [{ amount: 1e308, currency: 'USD', entity: ENTITY_1 }] })], '[0].payments[0].amount', '[0].payments[0].amount must be <= 9007199254740991'],
    ['a 10,000-character external_reference', [distributionItem({ external_reference: 'x'.repeat(10_000) })], '[0].external_reference', '[0].external_reference must NOT have more than 255 characters'],
    ['a 300-character name', [distributionItem({ name: 'é'.repeat(300) })], '[0].name', '[0].name must NOT have more than 255 characters'],
    ['a string amount', [distributionItem({ payments: [{ amount: '1000', currency: 'USD', entity: ENTITY_1 }] })], '[0].payments[0].amount', '[0].payments[0].amount must be integer'],
  ])('%s: 400 parameter_invalid, nothing created', async (_case, body, param, message) => {
    const before = await counts();

    const res = await client.post('/v1/distributions', body);

    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'parameter_invalid', message, param } });
    expect(await counts()).toEqual(before);
  });

  test('the largest amount (2^53 - 1) is stored and read back exactly', async () => {
    const created = await client.post('/v1/distributions', [distributionItem({ payments: [{ amount: Number.MAX_SAFE_INTEGER, currency: 'JPY', entity: ENTITY_1 }] })]);
    const read = await client.get(`/v1/distributions/${created.body.data[0].id}`);

    expect(created.status).toBe(201);
    expect(read.body.payments.data[0].amount).toBe(9007199254740991);
  });

  test('the first and last representable instants are answered as they are', async () => {
    const res = await client.post('/v1/distributions', [distributionItem({ distribution_date: '0000-01-01T00:00:00Z' }), distributionItem({ distribution_date: '9999-12-31T23:59:59Z' })]);

    expect(res.status).toBe(201);
    expect(res.body.data.map((d: { distribution_date: string }) => d.distribution_date)).toEqual(['0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z']);
  });

  test.each(['ada@localhost', 'a..b@example.com', '.ada@example.com'])('the email %s: 400 parameter_invalid, nothing created', async (email) => {
    const before = await counts();

    const res = await client.post('/v1/contacts', [{ name: 'Ada', email }]);

    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'parameter_invalid', message: '[0].email must match format "email"', param: '[0].email' } });
    expect(await counts()).toEqual(before);
  });

  test('unicode, control characters and a lone surrogate in a name are stored and read back as sent', async () => {
    const name = 'Zoë 😀 \u0000 \u202e \ud800';
    const created = await client.post('/v1/entities', [{ name, type: 'trust' }]);
    const read = await client.get(`/v1/entities/${created.body.data[0].id}`);

    expect(created.status).toBe(201);
    expect(read.body.name).toBe(name);
  });
});

describe('headers sent twice', () => {
  test('X-Organization-Id twice, even the same value: 400 parameter_invalid saying so', async () => {
    const multi = await NovaClient.for(sb, MULTI_ORG_CLIENT);

    const res = await multi.get('/v1/vehicles', { headers: { 'X-Organization-Id': [ORG_1, ORG_2] } });
    const same = await client.get('/v1/vehicles', { headers: { 'X-Organization-Id': [ORG_1, ORG_1] } });

    for (const answer of [res, same]) {
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ error: { code: 'parameter_invalid', message: 'X-Organization-Id must be sent once', param: 'X-Organization-Id' } });
    }
  });
});

describe('the token endpoint keeps RFC 6749 errors on every spelling of its path', () => {
  test('with a trailing slash: a token, and errors in the RFC 6749 shape', async () => {
    const ok = await request(sb.app).post('/oauth/token/').type('form').send({ grant_type: 'client_credentials', client_id: SANDBOX_CLIENT.id, client_secret: SANDBOX_CLIENT.secret });
    const bad = await request(sb.app).post('/oauth/token/').type('form').send({ grant_type: 'client_credentials', client_id: SANDBOX_CLIENT.id, client_secret: 'wrong' });
    expectContract('nova', ok);
    expectContract('nova', bad);

    expect(ok.status).toBe(200);
    expect(bad.status).toBe(401);
    expect(bad.body).toEqual({ error: 'invalid_client', error_description: 'client authentication failed' });
    expect(bad.headers['www-authenticate']).toBeUndefined(); // credentials in the body: no Basic challenge
  });

  test('a form in a charset other than UTF-8: 400 invalid_request naming the charset', async () => {
    const res = await request(sb.app).post('/oauth/token').set('Content-Type', 'application/x-www-form-urlencoded; charset=latin1').send('grant_type=client_credentials');
    expectContract('nova', res);

    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'unsupported charset "LATIN1"' });
  });
});

describe('the app’s bodyLimit holds on every Nova body, JSON or form', () => {
  let small: Sandbox;
  beforeAll(async () => {
    small = await testSandbox({ bodyLimit: '1kb' });
  });

  test('a form over the limit on /oauth/token: 413, still an RFC 6749 error; under it, a token', async () => {
    const credentials = { grant_type: 'client_credentials', client_id: SANDBOX_CLIENT.id, client_secret: SANDBOX_CLIENT.secret };
    const over = await tokenRequest(small, { ...credentials, scope: 'x'.repeat(2048) });
    const under = await tokenRequest(small, { ...credentials, scope: 'x'.repeat(512) });

    expect(over.status).toBe(413);
    expect(over.body).toEqual({ error: 'invalid_request', error_description: 'request body is too large' });
    expect(await small.store.count('novaTokens')).toBe(1);
    expect(under.status).toBe(200);
  });

  test('JSON over the limit on /v1: 413 body_too_large', async () => {
    const caller = await NovaClient.for(small);
    const before = await novaCounts(small);

    const res = await caller.post('/v1/contacts', [{ name: 'x'.repeat(255), email: 'a@example.com', external_reference: 'y'.repeat(255) }, { name: 'x'.repeat(255), email: 'b@example.com', external_reference: 'y'.repeat(255) }]);

    expect(res.status).toBe(413);
    expect(res.body).toEqual({ error: { code: 'body_too_large', message: 'request body is too large' } });
    expect(await novaCounts(small)).toEqual(before);
  });
});
