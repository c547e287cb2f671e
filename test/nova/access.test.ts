import { beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import request from 'supertest';
import type { Sandbox } from '../../src/sandbox.js';
import { expectContract, testSandbox } from '../support/harness.js';
import { CONTACT_1, CONTACT_2, distributionItem, ENTITY_1, ENTITY_2, MULTI_ORG_CLIENT, NovaClient, ORG_1, ORG_2, referenceExample, VEHICLE_1, VEHICLE_2 } from './helpers.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await testSandbox();
});
beforeEach(() => sb.reset());

describe('every /v1 route needs a bearer token', () => {
  test('no Authorization header: 401 unauthorized with a bare Bearer challenge, before the body is looked at', async () => {
    const res = await request(sb.app).post('/v1/distributions').send({ not: 'an array' });
    expectContract('nova', res);

    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { code: 'unauthorized', message: 'an access token is required: send Authorization: Bearer <access_token>' } });
    expect(res.headers['www-authenticate']).toBe('Bearer realm="nova"');
    expect(await sb.store.count('novaDistributions')).toBe(0);
  });

  test('another scheme than Bearer is no token at all (RFC 6750 §3.1: no error attribute)', async () => {
    const res = await request(sb.app).get('/v1/vehicles').set('Authorization', 'Basic c2FuZGJveF9jbGllbnQ6c2FuZGJveF9zZWNyZXQ=');
    expectContract('nova', res);

    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="nova"');
  });

  test('an unknown token: 401 invalid_token, the reason in the challenge too', async () => {
    const res = await request(sb.app).get('/v1/vehicles').set('Authorization', 'Bearer not-a-token');
    expectContract('nova', res);

    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { code: 'invalid_token', message: 'the access token is not valid' } });
    expect(res.headers['www-authenticate']).toBe('Bearer realm="nova", error="invalid_token", error_description="the access token is not valid"');
  });

  test('an unknown path under /v1 is 401 without a token and 404 route_not_found with one', async () => {
    expect((await request(sb.app).get('/v1/nothing')).status).toBe(401);
    const client = await NovaClient.for(sb);
    const res = await client.prepare('get', '/v1/nothing');
    expect(res.body).toEqual({ error: { code: 'route_not_found', message: 'no such route' } });
    expect(res.status).toBe(404);
  });
});

describe('X-Organization-Id', () => {
  test('may be left out when the client was granted exactly one organization', async () => {
    const client = await NovaClient.for(sb);

    const res = await client.get('/v1/vehicles');

    expect(res.status).toBe(200);
    expect(res.body.data.map((v: { id: string }) => v.id)).toEqual([VEHICLE_1]);
  });

  test('is required when the client may act on several: 400 organization_required', async () => {
    const client = await NovaClient.for(sb, MULTI_ORG_CLIENT);

    const res = await client.post('/v1/distributions', referenceExample());

    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'organization_required', message: 'X-Organization-Id is required: this client may act on several organizations', param: 'X-Organization-Id' } });
    expect(await sb.store.count('novaDistributions')).toBe(0);
  });

  test('picks the organization for a client granted several', async () => {
    const client = await NovaClient.for(sb, MULTI_ORG_CLIENT);

    expect((await client.get('/v1/vehicles', { organization: ORG_1 })).body.data.map((v: { id: string }) => v.id)).toEqual([VEHICLE_1]);
    expect((await client.get('/v1/vehicles', { organization: ORG_2 })).body.data.map((v: { id: string }) => v.id)).toEqual([VEHICLE_2]);
  });

  test('malformed: 400 parameter_invalid', async () => {
    const client = await NovaClient.for(sb);

    const res = await client.get('/v1/vehicles', { organization: 'acme-corp' });

    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'parameter_invalid', message: 'X-Organization-Id must match pattern "^org_[A-Za-z0-9]+$"', param: 'X-Organization-Id' } });
  });

  test.each([
    ['granted to others only', ORG_2],
    ['that does not exist', 'org_DoesNotExist1'],
  ])('an organization %s: 403 forbidden, nothing created', async (_case, organization) => {
    const client = await NovaClient.for(sb);

    const res = await client.post('/v1/distributions', referenceExample(), { organization });

    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: { code: 'forbidden', message: `this client may not act on organization '${organization}'`, param: 'X-Organization-Id' } });
    expect(await sb.store.count('novaDistributions')).toBe(0);
  });
});

describe("another organization's ids are invisible on every route (404 resource_missing)", () => {
  let inOrg1: NovaClient;
  let inOrg2: NovaClient;
  let distribution: { id: string; payments: { data: { id: string; notifications: { data: { id: string }[] } }[] } };

  beforeEach(async () => {
    inOrg1 = await NovaClient.for(sb, MULTI_ORG_CLIENT, { organization: ORG_1 });
    inOrg2 = inOrg1.with({ organization: ORG_2 });
    const created = await inOrg1.post('/v1/distributions', referenceExample());
    expect(created.status).toBe(201);
    distribution = created.body.data[0];
  });

  test.each([
    ['/v1/entities/{entity}', 'entity_id', "no such entity: 'ent_H0hdMOc5E5QMTEcGVZKegvLNCB6p'"],
    ['/v1/contacts/{contact}', 'contact_id', "no such contact: 'cnt_tSfCZrNE8O3c4QATSkzuCljMZ2DI'"],
    ['/v1/vehicles/{vehicle}', 'vehicle_id', "no such vehicle: 'veh_pNvehE6O1KjY2W6Omq9MD3QAEs5w'"],
    ['/v1/distributions/{distribution}', 'distribution_id', 'no such distribution: '],
    ['/v1/distributions/{distribution}/payments', 'distribution_id', 'no such distribution: '],
    ['/v1/distribution_payments/{payment}/notifications', 'payment_id', 'no such distribution payment: '],
    ['/v1/entities?starting_after={entity}', 'starting_after', 'no such object to start after: '],
    ['/v1/contacts?starting_after={contact}', 'starting_after', 'no such object to start after: '],
    ['/v1/vehicles?starting_after={vehicle}', 'starting_after', 'no such object to start after: '],
    ['/v1/distributions?starting_after={distribution}', 'starting_after', 'no such object to start after: '],
  ])('GET %s', async (template, param, message) => {
    const payment = distribution.payments.data[0] as { id: string };
    const path = template
      .replace('{entity}', ENTITY_1)
      .replace('{contact}', CONTACT_1)
      .replace('{vehicle}', VEHICLE_1)
      .replace('{distribution}', distribution.id)
      .replace('{payment}', payment.id);
    expect((await inOrg1.get(path)).status).toBe(200);

    const res = await inOrg2.get(path);

    expect(res.status).toBe(404);
    expect(res.body.error).toEqual({ code: 'resource_missing', message: expect.stringContaining(message), param });
  });

  test.each([
    ['vehicle', { vehicle: VEHICLE_1 }, '[0].vehicle'],
    ['entity', { payments: [{ amount: 1, currency: 'USD', entity: ENTITY_1 }] }, '[0].payments[0].entity'],
    ['contact', { payments: [{ amount: 1, currency: 'USD', entity: ENTITY_2, notifications: [{ contact: CONTACT_1 }] }] }, '[0].payments[0].notifications[0].contact'],
  ])('POST /v1/distributions naming the other organization’s %s', async (_what, overrides, param) => {
    const before = await sb.store.count('novaDistributions');

    const res = await inOrg2.post('/v1/distributions', [distributionItem(overrides, VEHICLE_2, ENTITY_2)]);

    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'resource_missing', param });
    expect(await sb.store.count('novaDistributions')).toBe(before);
  });

  test("as a cursor into the organization's own payments and notifications", async () => {
    const own = (await inOrg2.post('/v1/distributions', [distributionItem({ payments: [{ amount: 1, currency: 'EUR', entity: ENTITY_2, notifications: [{ contact: CONTACT_2 }] }] }, VEHICLE_2, ENTITY_2)])).body.data[0];
    const foreignPayment = distribution.payments.data[0] as { id: string; notifications: { data: { id: string }[] } };

    const payments = await inOrg2.get(`/v1/distributions/${own.id}/payments?starting_after=${foreignPayment.id}`);
    const notifications = await inOrg2.get(`/v1/distribution_payments/${own.payments.data[0].id}/notifications?starting_after=${foreignPayment.notifications.data[0]?.id}`);

    for (const res of [payments, notifications]) {
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({ code: 'resource_missing', param: 'starting_after' });
    }
  });

  test('lists show only the organization’s own objects', async () => {
    const ids = async (path: string) => ((await inOrg2.get(`${path}?limit=100`)).body.data as { id: string }[]).map((o) => o.id);

    expect(await ids('/v1/distributions')).toEqual([]);
    expect(await ids('/v1/vehicles')).toEqual([VEHICLE_2]);
    expect(await ids('/v1/entities')).toContain(ENTITY_2);
    expect(await ids('/v1/entities')).not.toContain(ENTITY_1);
    expect(await ids('/v1/contacts')).not.toContain(CONTACT_1);
  });
});
