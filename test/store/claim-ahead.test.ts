import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from '@jest/globals';
import request from 'supertest';
import { createSandbox, type Sandbox } from '../../src/sandbox.js';
import { expectContract, T0 } from '../support/harness.js';
import { distributionItem, MULTI_ORG_CLIENT, ORG_1, tokenFor } from '../nova/helpers.js';
import { describePostgres, testSchema, withAdmin, type TestSchema } from '../support/postgres.js';

// Under --database a keyed Nova create by a token a recent request settled claims its key in the
// statement that reads the shared state, before authentication (KeyClaimAhead), so it is two
// round trips. The claim must behave exactly as one the idempotency step takes itself: an
// answer given before that step (a fault, 401, 403, a body error) keeps nothing under the key,
// and the retention is counted on the shared clock, whichever instance moved it.

const CONTACTS = '/v1/contacts';
const contact = (name: string) => [{ name, email: `${name.toLowerCase()}@example.com` }];

describePostgres('idempotency claims taken with the shared state (PostgreSQL)', () => {
  let schema: TestSchema;
  let sb: Sandbox;
  /** A second instance over the same database. */
  let other: Sandbox;
  let token: string;
  let key = 0;
  const freshKey = () => `ahead-${key++}`;

  beforeAll(async () => {
    schema = testSchema();
    sb = await createSandbox({ seed: 1, frozenAt: T0, database: schema.url, databaseSchema: schema.name });
    other = await createSandbox({ seed: 1, frozenAt: T0, database: schema.url, databaseSchema: schema.name });
  });
  afterAll(async () => {
    await other.stop();
    await sb.stop();
    await schema.drop();
  });
  beforeEach(async () => {
    await request(sb.app).post('/_sandbox/reset').expect(200);
    token = await tokenFor(sb);
    // A first request settles the token's caller: from here on its creates claim ahead.
    expect((await request(sb.app).get(CONTACTS).set('Authorization', `Bearer ${token}`)).status).toBe(200);
  });
  afterEach(async () => {
    await request(sb.app).delete('/_sandbox/faults').expect(204);
  });

  const create = (app: Sandbox['app'], idempotencyKey: string, body: unknown = contact('Ann'), bearer = token) =>
    request(app).post(CONTACTS).set('Authorization', `Bearer ${bearer}`).set('Idempotency-Key', idempotencyKey).send(body as object);
  const claims = () => withAdmin(async (client) => Number((await client.query('SELECT count(*) AS n FROM idempotency_claims')).rows[0].n), schema.name);
  const contacts = () => sb.store.count('novaContacts');

  test('a retry replays the first answer byte for byte; another body under the key is 409 idempotency_mismatch', async () => {
    const before = await contacts();
    const first = await create(sb.app, 'same');
    expectContract('nova', first);
    expect(first.status).toBe(201);
    const again = await create(other.app, 'same');
    expectContract('nova', again);
    expect({ status: again.status, replayed: again.headers['idempotent-replayed'], text: again.text }).toEqual({ status: 201, replayed: 'true', text: first.text });
    const different = await create(sb.app, 'same', contact('Bo'));
    expectContract('nova', different);
    expect(different.status).toBe(409);
    expect(different.body.error.code).toBe('idempotency_mismatch');
    expect(await contacts()).toBe(before + 1);
    expect(await claims()).toBe(0);
  });

  test('ten same-key requests at once over two instances create one contact; the rest are 409 conflict or that answer replayed', async () => {
    const before = await contacts();
    const responses = await Promise.all(Array.from({ length: 10 }, (_, n) => create(n % 2 === 0 ? sb.app : other.app, 'burst')));
    for (const res of responses) expectContract('nova', res);
    const fresh = responses.filter((res) => res.status === 201 && res.headers['idempotent-replayed'] === undefined);
    expect(fresh).toHaveLength(1);
    for (const res of responses.filter((r) => !fresh.includes(r))) {
      if (res.status === 201) expect(res.text).toBe(fresh[0]?.text);
      else expect({ status: res.status, code: res.body.error.code }).toEqual({ status: 409, code: 'conflict' });
    }
    expect(await contacts()).toBe(before + 1);
  });

  // Each answer below comes before the idempotency step would have run: the key keeps nothing,
  // and a retry under it creates the contact.
  test.each([
    ['an armed fault answers 404', async () => {
      await request(sb.app).post('/_sandbox/faults').send({ method: 'POST', path: CONTACTS, status: 404, count: 1 }).expect(201);
      return { status: 404, bearer: token, body: contact('Ann') };
    }],
    ['the token has expired (401)', async () => {
      await request(sb.app).post('/_sandbox/clock/advance').send({ seconds: 3601 }).expect(200);
      return { status: 401, bearer: token, body: contact('Ann') };
    }],
    ['the body is not JSON (400)', async () => ({ status: 400, bearer: token, body: '{"name":' })],
  ])('%s: nothing is kept under the key, and the retry creates', async (_case, arrange) => {
    const idempotencyKey = freshKey();
    const { status, bearer, body } = await arrange();
    const refused = await request(sb.app).post(CONTACTS).set('Authorization', `Bearer ${bearer}`).set('Idempotency-Key', idempotencyKey).set('Content-Type', 'application/json').send(typeof body === 'string' ? body : JSON.stringify(body));
    expectContract('nova', refused);
    expect(refused.status).toBe(status);
    expect(await claims()).toBe(0);
    expect(await sb.store.count('novaIdempotencyKeys')).toBe(0);

    const before = await contacts();
    const retry = await create(sb.app, idempotencyKey, contact('Ann'), await tokenFor(sb));
    expectContract('nova', retry);
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(await contacts()).toBe(before + 1);
  });

  test('403 for an organization the client may not act on keeps nothing under the key the forecast claimed', async () => {
    const multi = await tokenFor(sb, MULTI_ORG_CLIENT, ORG_1);
    const settle = await request(sb.app).get(CONTACTS).set('Authorization', `Bearer ${multi}`).set('X-Organization-Id', ORG_1);
    expect(settle.status).toBe(200);
    const refused = await request(sb.app).post(CONTACTS).set('Authorization', `Bearer ${multi}`).set('X-Organization-Id', 'org_NotGrantedToAnyone1').set('Idempotency-Key', freshKey()).send(contact('Ann'));
    expectContract('nova', refused);
    expect(refused.status).toBe(403);
    expect(await claims()).toBe(0);
  });

  test('a batch of distributions under a fresh key, then its replay: one batch stored', async () => {
    const before = await sb.store.count('novaDistributions');
    const body = [distributionItem()];
    const first = await request(sb.app).post('/v1/distributions').set('Authorization', `Bearer ${token}`).set('Idempotency-Key', 'batch').send(body);
    expectContract('nova', first);
    expect(first.status).toBe(201);
    const again = await request(other.app).post('/v1/distributions').set('Authorization', `Bearer ${token}`).set('Idempotency-Key', 'batch').send(body);
    expect({ status: again.status, replayed: again.headers['idempotent-replayed'], text: again.text }).toEqual({ status: 201, replayed: 'true', text: first.text });
    expect(await sb.store.count('novaDistributions')).toBe(before + 1);
  });

  test('past the retention on the shared clock, moved by the other instance, the key runs again', async () => {
    const first = await create(sb.app, 'old');
    expect(first.status).toBe(201);
    // 23 h 50 min later (moved on the other instance), a fresh token, settled here: this
    // instance's clock now reads 23 h 50 min, within the key's 24 hours.
    await request(other.app).post('/_sandbox/clock/advance').send({ seconds: 23 * 3600 + 50 * 60 }).expect(200);
    const fresh = await tokenFor(other);
    expect((await request(sb.app).get(CONTACTS).set('Authorization', `Bearer ${fresh}`)).status).toBe(200);
    // 11 minutes more, on the other instance only: the key is now past its retention, and only
    // the shared clock (read in the claim's own statement) knows it.
    await request(other.app).post('/_sandbox/clock/advance').send({ seconds: 11 * 60 }).expect(200);
    const before = await contacts();
    const late = await create(sb.app, 'old', contact('Ann'), fresh);
    expectContract('nova', late);
    expect(late.status).toBe(201);
    expect(late.headers['idempotent-replayed']).toBeUndefined();
    expect(await contacts()).toBe(before + 1);
  });
});
