import { describe, expect, test } from '@jest/globals';
import type { Sandbox } from '../../src/sandbox.js';
import { CONTACT_1, ENTITY_1, ENTITY_1_PMI, NovaClient, VEHICLE_1, freshNovaForEachTest } from './helpers.js';

let sb: Sandbox;
let client: NovaClient;
freshNovaForEachTest((s, c) => ((sb = s), (client = c)));

describe('POST /v1/entities', () => {
  test('creates every item, each with a payment instruction of its own, and answers the list', async () => {
    const res = await client.post('/v1/entities', [
      { name: 'Acme Family Office LLC', type: 'llc', external_reference: 'investor-042', external_type: 'family_office' },
      { name: 'Ada Lovelace', type: 'individual' },
    ]);

    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      object: 'list',
      data: [
        { object: 'entity', livemode: false, id: expect.stringMatching(/^ent_[A-Za-z0-9]{28}$/), name: 'Acme Family Office LLC', type: 'llc', external_reference: 'investor-042', payment_instructions: [expect.stringMatching(/^pmi_[A-Za-z0-9]{28}$/)], external_type: 'family_office' },
        { object: 'entity', livemode: false, id: expect.stringMatching(/^ent_/), name: 'Ada Lovelace', type: 'individual', external_reference: null, payment_instructions: [expect.stringMatching(/^pmi_/)], external_type: null },
      ],
      has_more: false,
      url: '/v1/entities',
    });
    expect(res.body.data[0].payment_instructions).not.toEqual(res.body.data[1].payment_instructions);
    for (const entity of res.body.data) {
      const read = await client.get(`/v1/entities/${entity.id}`);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(entity);
    }
  });

  test('a new entity is payable at once: a distribution pays its first payment instruction', async () => {
    const entity = (await client.post('/v1/entities', [{ name: 'New Investor', type: 'trust' }])).body.data[0];

    const res = await client.post('/v1/distributions', [{ name: 'd', distribution_date: '2024-05-01T00:00:00Z', vehicle: VEHICLE_1, payments: [{ amount: 5, currency: 'USD', entity: entity.id }] }]);

    expect(res.status).toBe(201);
    expect(res.body.data[0].payments.data[0].payment_instructions).toBe(entity.payment_instructions[0]);
  });

  test.each([
    ['a missing name', [{ type: 'llc' }], 'parameter_missing', '[0].name', '[0].name is required'],
    ['a type outside the 16 of the reference', [{ name: 'X', type: 'sole_proprietor' }], 'parameter_invalid', '[0].type', expect.stringContaining('[0].type must be one of: individual, individual_retirement_plan')],
    ['an empty name', [{ name: '', type: 'llc' }], 'parameter_invalid', '[0].name', '[0].name must NOT have fewer than 1 characters'],
    ['a name over 255 characters', [{ name: 'x'.repeat(256), type: 'llc' }], 'parameter_invalid', '[0].name', '[0].name must NOT have more than 255 characters'],
    ['an unknown field', [{ name: 'X', type: 'llc', tax_id: '1' }], 'parameter_invalid', '[0].tax_id', '[0].tax_id is not a recognized field'],
  ])('%s: 400, nothing created', async (_case, body, code, param, message) => {
    const before = await sb.store.count('novaEntities');

    const res = await client.post('/v1/entities', body);

    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code, message, param } });
    expect(await sb.store.count('novaEntities')).toBe(before);
  });

  test.each([
    ['an empty array', [], 'request body must NOT have fewer than 1 items'],
    ['an object instead of an array', { name: 'X', type: 'llc' }, 'request body must be array'],
  ])('%s: 400 invalid_request', async (_case, body, message) => {
    const res = await client.post('/v1/entities', body);

    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'invalid_request', message } });
  });

  test('a batch with one bad item leaves nothing behind', async () => {
    const before = await sb.store.count('novaEntities');

    const res = await client.post('/v1/entities', [{ name: 'Fine LLC', type: 'llc' }, { name: 'Broken', type: 'nope' }]);

    expect(res.status).toBe(400);
    expect(res.body.error.param).toBe('[1].type');
    expect(await sb.store.count('novaEntities')).toBe(before);
  });
});

describe('POST /v1/contacts', () => {
  test('creates every item and answers the list; each reads back', async () => {
    const res = await client.post('/v1/contacts', [
      { name: 'Ada Lovelace', email: 'ada@example.com', external_reference: 'c-1' },
      { name: 'Alan Turing', email: 'alan@example.com', external_reference: null },
      { name: 'Grace Hopper', email: 'grace@example.com' },
    ]);

    expect(res.status).toBe(201);
    expect(res.body.url).toBe('/v1/contacts');
    expect(res.body.has_more).toBe(false);
    expect(res.body.data.map((c: { id: string }) => c.id)).toEqual([expect.stringMatching(/^cnt_[A-Za-z0-9]{28}$/), expect.any(String), expect.any(String)]);
    expect(res.body.data[0]).toEqual({ object: 'contact', livemode: false, id: res.body.data[0].id, name: 'Ada Lovelace', email: 'ada@example.com', external_reference: 'c-1' });
    expect(res.body.data.map((c: { external_reference: unknown }) => c.external_reference)).toEqual(['c-1', null, null]);
    const read = await client.get(`/v1/contacts/${res.body.data[2].id}`);
    expect(read.body).toEqual(res.body.data[2]);
  });

  test('a bad email anywhere in the batch: 400 naming it, nothing created', async () => {
    const before = await sb.store.count('novaContacts');

    const res = await client.post('/v1/contacts', [{ name: 'Ok', email: 'ok@example.com' }, { name: 'Bad', email: 'not-an-email' }]);

    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'parameter_invalid', message: '[1].email must match format "email"', param: '[1].email' } });
    expect(await sb.store.count('novaContacts')).toBe(before);
  });

  test('a missing email: parameter_missing', async () => {
    const res = await client.post('/v1/contacts', [{ name: 'No Email' }]);

    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({ code: 'parameter_missing', message: '[0].email is required', param: '[0].email' });
  });
});

describe('reading entities, contacts and vehicles', () => {
  test('the fixtures read back as the reference shows them', async () => {
    expect((await client.get(`/v1/entities/${ENTITY_1}`)).body).toEqual({
      object: 'entity',
      livemode: false,
      id: ENTITY_1,
      name: 'Jane Investor',
      type: 'individual',
      external_reference: 'investor-001',
      payment_instructions: [ENTITY_1_PMI],
      external_type: null,
    });
    expect((await client.get(`/v1/contacts/${CONTACT_1}`)).body).toEqual({ object: 'contact', livemode: false, id: CONTACT_1, name: 'Jane Investor', email: 'jane.investor@example.com', external_reference: 'contact-001' });
    expect((await client.get(`/v1/vehicles/${VEHICLE_1}`)).body).toEqual({ object: 'vehicle', livemode: false, id: VEHICLE_1, name: 'XYZ Real Estate Fund I' });
    expect((await client.get('/v1/vehicles')).body).toEqual({ object: 'list', data: [{ object: 'vehicle', livemode: false, id: VEHICLE_1, name: 'XYZ Real Estate Fund I' }], has_more: false, url: '/v1/vehicles' });
  });

  test.each([
    ['/v1/entities/ent_doesNotExist1', 'entity_id', "no such entity: 'ent_doesNotExist1'"],
    ['/v1/contacts/cnt_doesNotExist1', 'contact_id', "no such contact: 'cnt_doesNotExist1'"],
    ['/v1/vehicles/veh_doesNotExist1', 'vehicle_id', "no such vehicle: 'veh_doesNotExist1'"],
  ])('GET %s: 404 resource_missing', async (path, param, message) => {
    const res = await client.get(path);

    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'resource_missing', message, param } });
  });

  test('an id of the wrong shape: 400 parameter_invalid', async () => {
    const res = await client.get('/v1/entities/cnt_wrongKind');

    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({ code: 'parameter_invalid', message: 'path parameter entity_id must match pattern "^ent_[A-Za-z0-9]+$"', param: 'entity_id' });
  });

  test('lists are newest first and page with limit and starting_after', async () => {
    const created = (await client.post('/v1/contacts', ['a', 'b', 'c'].map((n) => ({ name: n, email: `${n}@example.com` })))).body.data as { id: string }[];
    const all = (await client.get('/v1/contacts?limit=100')).body.data as { id: string; name: string }[];
    expect(all.slice(0, 3).map((c) => c.name)).toEqual(['c', 'b', 'a']);
    expect(all).toHaveLength(3 + 1 + 3); // created, the fixture, the generated ones

    const first = await client.get('/v1/contacts?limit=2');
    const second = await client.get(`/v1/contacts?limit=2&starting_after=${first.body.data[1].id}`);
    const last = await client.get(`/v1/contacts?limit=100&starting_after=${all[5]?.id}`);

    expect(first.body).toMatchObject({ has_more: true, data: all.slice(0, 2) });
    expect(second.body).toMatchObject({ has_more: true, data: all.slice(2, 4) });
    expect(last.body).toMatchObject({ has_more: false, data: all.slice(6) });
    expect(created.map((c) => c.id).reverse()).toEqual(all.slice(0, 3).map((c) => c.id));
  });

  test('the default page is 10; limit is 1 to 100', async () => {
    await client.post('/v1/entities', Array.from({ length: 12 }, (_, i) => ({ name: `E${i}`, type: 'llc' })));

    expect((await client.get('/v1/entities')).body.data).toHaveLength(10);
    for (const limit of ['0', '101', 'ten']) {
      const res = await client.get(`/v1/entities?limit=${limit}`);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'parameter_invalid', param: 'limit' });
    }
  });

  test('an unknown starting_after: 404 resource_missing naming it', async () => {
    const res = await client.get('/v1/entities?starting_after=ent_doesNotExist1');

    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'resource_missing', message: "no such object to start after: 'ent_doesNotExist1'", param: 'starting_after' } });
  });
});
