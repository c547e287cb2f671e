import { describe, expect, test } from '@jest/globals';
import { loadSpec } from '../../src/core/contract/spec.js';
import type { Sandbox } from '../../src/sandbox.js';
import { CONTACT_1, distributionItem, ENTITY_1, ENTITY_1_PMI, NovaClient, novaCounts, referenceExample, VEHICLE_1, freshNovaForEachTest } from './helpers.js';

const ID = (prefix: string) => expect.stringMatching(new RegExp(`^${prefix}_[A-Za-z0-9]{28}$`));

let sb: Sandbox;
let client: NovaClient;
freshNovaForEachTest((s, c) => ((sb = s), (client = c)));

const counts = () => novaCounts(sb);

describe('POST /v1/distributions with the reference example', () => {
  test('answers 201 with the full distribution, shaped as the reference publishes it', async () => {
    const res = await client.post('/v1/distributions', referenceExample());

    expect(res.status).toBe(201);
    const distribution = res.body.data[0];
    const payment = distribution.payments.data[0];
    expect(res.body).toEqual({
      object: 'list',
      data: [
        {
          object: 'distribution',
          livemode: false,
          id: ID('dst'),
          name: 'April 20th Distribution from XYZ Sale',
          distribution_date: '2024-04-20T00:00:00Z',
          vehicle: VEHICLE_1,
          external_reference: 'distribution-123',
          short_id: expect.stringMatching(/^[A-Z2-9]{8}$/),
          status: 'draft',
          published_at: null,
          approved_at: null,
          executed_at: null,
          cancelled_at: null,
          created_at: '2024-04-20T12:00:00Z',
          updated_at: '2024-04-20T12:00:00Z',
          sender_url: `https://dashboard.sandbox.nova.example/distributions/${distribution.id}`,
          recipient_url: `https://dashboard.sandbox.nova.example/d/${distribution.short_id}`,
          payments: {
            object: 'list',
            data: [
              {
                object: 'distribution_payment',
                livemode: false,
                id: ID('dpmt'),
                amount: 1000,
                currency: 'USD',
                status: 'staged',
                recipient_confirmed_at: null,
                verified_at: null,
                entity: ENTITY_1,
                payment_instructions: ENTITY_1_PMI,
                distribution_date_override: '2024-04-20T00:00:00Z',
                notifications: {
                  object: 'list',
                  data: [{ object: 'distribution_notification', livemode: false, id: ID('dntf'), contact: CONTACT_1 }],
                  has_more: false,
                  url: `/v1/distribution_payments/${payment.id}/notifications`,
                },
              },
            ],
            has_more: false,
            url: `/v1/distributions/${distribution.id}/payments`,
          },
        },
      ],
      has_more: false,
      url: '/v1/distributions',
    });
    // Field order as the reference lists it (and as the spec's response example shows it).
    const post = loadSpec('nova').paths['/v1/distributions']?.post as { responses: { '201': { content: { 'application/json': { examples: { reference: { value: { data: object[] } } } } } } } };
    const documented = post.responses['201'].content['application/json'].examples.reference.value.data[0] as Record<string, unknown>;
    expect(Object.keys(distribution)).toEqual(Object.keys(documented));
    expect(Object.keys(payment)).toEqual(Object.keys((documented.payments as { data: object[] }).data[0] as object));
  });

  test('reads back: the distribution, its payments and the payment’s notifications', async () => {
    const created = (await client.post('/v1/distributions', referenceExample())).body.data[0];
    const payment = created.payments.data[0];

    const one = await client.get(`/v1/distributions/${created.id}`);
    const list = await client.get('/v1/distributions');
    const payments = await client.get(`/v1/distributions/${created.id}/payments`);
    const notifications = await client.get(`/v1/distribution_payments/${payment.id}/notifications`);

    expect(one.status).toBe(200);
    expect(one.body).toEqual(created);
    expect(list.body).toEqual({ object: 'list', data: [created], has_more: false, url: '/v1/distributions' });
    expect(payments.body).toEqual(created.payments);
    expect(notifications.body).toEqual(payment.notifications);
  });
});

describe('what the create does with its input', () => {
  test('several distributions and payments in one batch, each with its own ids; absent optionals answer null', async () => {
    const res = await client.post('/v1/distributions', [
      distributionItem({ payments: [{ amount: 1, currency: 'USD', entity: ENTITY_1 }, { amount: 2, currency: 'EUR', entity: ENTITY_1, notifications: [] }] }),
      distributionItem({ name: 'Second' }),
    ]);

    expect(res.status).toBe(201);
    const [first, second] = res.body.data;
    expect([first.name, second.name]).toEqual(['Q2 distribution', 'Second']);
    expect(first.external_reference).toBeNull();
    expect(first.payments.data.map((p: { amount: number; currency: string }) => [p.amount, p.currency])).toEqual([[1, 'USD'], [2, 'EUR']]);
    expect(first.payments.data[0]).toMatchObject({ distribution_date_override: null, notifications: { data: [] } });
    const ids = [first.id, second.id, ...first.payments.data.map((p: { id: string }) => p.id), second.payments.data[0].id];
    expect(new Set(ids).size).toBe(5);
    expect(await counts()).toMatchObject({ distributions: 2, payments: 3 });
  });

  test('dates are answered in UTC to the second', async () => {
    const res = await client.post('/v1/distributions', [
      distributionItem({ distribution_date: '2024-04-20T02:00:00.750+02:00', payments: [{ amount: 1, currency: 'USD', entity: ENTITY_1, distribution_date_override: '2024-05-01T09:30:00-04:00' }] }),
    ]);

    expect(res.body.data[0].distribution_date).toBe('2024-04-20T00:00:00Z');
    expect(res.body.data[0].payments.data[0].distribution_date_override).toBe('2024-05-01T13:30:00Z');
  });

  test('created_at follows the sandbox clock', async () => {
    sb.clock.advance(90);

    const res = await client.post('/v1/distributions', [distributionItem()]);

    expect(res.body.data[0]).toMatchObject({ created_at: '2024-04-20T12:01:30Z', updated_at: '2024-04-20T12:01:30Z' });
  });
});

describe('a batch is atomic: one bad item and nothing is created', () => {
  test.each([
    ['an unknown entity in the second payment of the second item', [distributionItem(), distributionItem({ payments: [{ amount: 1, currency: 'USD', entity: ENTITY_1 }, { amount: 1, currency: 'USD', entity: 'ent_doesNotExist1' }] })], 404, 'resource_missing', '[1].payments[1].entity', "no such entity: 'ent_doesNotExist1'"],
    ['an unknown vehicle', [distributionItem({ vehicle: 'veh_doesNotExist1' })], 404, 'resource_missing', '[0].vehicle', "no such vehicle: 'veh_doesNotExist1'"],
    ['an unknown contact', [distributionItem({ payments: [{ amount: 1, currency: 'USD', entity: ENTITY_1, notifications: [{ contact: CONTACT_1 }, { contact: 'cnt_doesNotExist1' }] }] })], 404, 'resource_missing', '[0].payments[0].notifications[1].contact', "no such contact: 'cnt_doesNotExist1'"],
    ['a currency that is not ISO 4217', [distributionItem(), distributionItem({ payments: [{ amount: 1, currency: 'XYZ', entity: ENTITY_1 }] })], 400, 'parameter_invalid', '[1].payments[0].currency', "[1].payments[0].currency 'XYZ' is not an ISO 4217 currency code"],
    ['a lower-case currency', [distributionItem({ payments: [{ amount: 1, currency: 'usd', entity: ENTITY_1 }] })], 400, 'parameter_invalid', '[0].payments[0].currency', '[0].payments[0].currency must match pattern "^[A-Z]{3}$"'],
    ['an amount of zero', [distributionItem({ payments: [{ amount: 0, currency: 'USD', entity: ENTITY_1 }] })], 400, 'parameter_invalid', '[0].payments[0].amount', '[0].payments[0].amount must be >= 1'],
    ['a fractional amount', [distributionItem({ payments: [{ amount: 10.5, currency: 'USD', entity: ENTITY_1 }] })], 400, 'parameter_invalid', '[0].payments[0].amount', '[0].payments[0].amount must be integer'],
    ['no payments', [distributionItem({ payments: [] })], 400, 'parameter_invalid', '[0].payments', '[0].payments must NOT have fewer than 1 items'],
    ['a missing vehicle', [distributionItem({ vehicle: undefined })], 400, 'parameter_missing', '[0].vehicle', '[0].vehicle is required'],
    ['a date without a time zone', [distributionItem({ distribution_date: '2024-04-20T00:00:00' })], 400, 'parameter_invalid', '[0].distribution_date', '[0].distribution_date must match format "date-time"'],
    ['a leap second, which no Date can hold', [distributionItem({ distribution_date: '2016-12-31T23:59:60Z' })], 400, 'parameter_invalid', '[0].distribution_date', '[0].distribution_date is not a date-time this server can represent'],
  ])('%s', async (_case, body, status, code, param, message) => {
    const before = await counts();

    const res = await client.post('/v1/distributions', body);

    expect(res.status).toBe(status);
    expect(res.body).toEqual({ error: { code, message, param } });
    expect(await counts()).toEqual(before);
  });
});

describe('GET lists of distributions, payments and notifications page by cursor', () => {
  test('distributions newest first, limit and starting_after', async () => {
    const ids: string[] = [];
    for (const name of ['one', 'two', 'three']) ids.push((await client.post('/v1/distributions', [distributionItem({ name })])).body.data[0].id);

    const first = await client.get('/v1/distributions?limit=2');
    const rest = await client.get(`/v1/distributions?limit=2&starting_after=${first.body.data[1].id}`);

    expect(first.body.data.map((d: { name: string }) => d.name)).toEqual(['three', 'two']);
    expect(first.body.has_more).toBe(true);
    expect(rest.body.data.map((d: { id: string }) => d.id)).toEqual([ids[0]]);
    expect(rest.body.has_more).toBe(false);
  });

  test('payments and notifications in submitted order', async () => {
    const payments = [1, 2, 3].map((amount) => ({ amount, currency: 'USD', entity: ENTITY_1, notifications: [{ contact: CONTACT_1 }, { contact: CONTACT_1 }] }));
    const created = (await client.post('/v1/distributions', [distributionItem({ payments })])).body.data[0];
    const [p1, p2, p3] = created.payments.data;

    const page = await client.get(`/v1/distributions/${created.id}/payments?limit=1&starting_after=${p1.id}`);
    const notifications = await client.get(`/v1/distribution_payments/${p3.id}/notifications?limit=1`);

    expect(page.body).toEqual({ object: 'list', data: [p2], has_more: true, url: `/v1/distributions/${created.id}/payments` });
    expect(notifications.body).toEqual({ object: 'list', data: [p3.notifications.data[0]], has_more: true, url: `/v1/distribution_payments/${p3.id}/notifications` });
  });

  test('an unknown distribution or payment: 404 resource_missing', async () => {
    const distribution = await client.get('/v1/distributions/dst_doesNotExist1/payments');
    const payment = await client.get('/v1/distribution_payments/dpmt_doesNotExist1/notifications');

    expect(distribution.status).toBe(404);
    expect(distribution.body).toEqual({ error: { code: 'resource_missing', message: "no such distribution: 'dst_doesNotExist1'", param: 'distribution_id' } });
    expect(payment.status).toBe(404);
    expect(payment.body).toEqual({ error: { code: 'resource_missing', message: "no such distribution payment: 'dpmt_doesNotExist1'", param: 'payment_id' } });
  });
});
