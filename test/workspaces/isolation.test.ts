import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import request from 'supertest';
import type { Sandbox } from '../../src/sandbox.js';
import type { CreatedWorkspace } from '../../src/workspaces/routes.js';
import { create as norcapCreate, get as norcapGet, item as defaultNorcapItem, PATH, SANDBOX_AUTH } from '../norcap/helpers.js';
import { ENTITY_1, NovaClient, ORG_1, tokenRequest, VEHICLE_1, basicAuth, expectNovaError } from '../nova/helpers.js';
import { expectContract, testSandbox } from '../support/harness.js';
import { warmUpValidators, controlAs, keyOf, newWorkspace, norcapAuthOf, norcapItem, novaClientOf, novaItem } from './helpers.js';

warmUpValidators();

/**
 * Two workspaces and the default one, route by route and control by control: neither workspace
 * sees or changes the other's data, clock, faults, journal or coverage, and the default
 * workspace answers as it always did. Everything goes through HTTP, so the suite runs on any
 * store behind the sandbox.
 */
const MISSING = '00000000-0000-4000-8000-000000000000';
let sb: Sandbox;
let a: CreatedWorkspace;
let b: CreatedWorkspace;

beforeEach(async () => {
  sb = await testSandbox();
  a = await newWorkspace(sb);
  b = await newWorkspace(sb);
});
afterEach(() => sb.stop());

const orgOf = (ws: CreatedWorkspace, i = 0) => ws.nova.organizations[i]!;
const novaFor = async (ws: CreatedWorkspace, i = 0) => (await NovaClient.for(sb, novaClientOf(ws))).with({ organization: orgOf(ws, i).id });

describe('creating a workspace', () => {
  test('answers its credentials once; GET describes it without secrets; ids, accounts and secrets are its own', async () => {
    expect(a.id).toMatch(/^ws_[A-Za-z0-9]{16}$/);
    expect(a.id).not.toBe(b.id);
    expect(new Set([a.key, b.key, a.norcap.api_key, b.norcap.api_key, a.nova.client_secret, b.nova.client_secret]).size).toBe(6);
    expect(a.nova.organizations).toHaveLength(2);
    expect(a.norcap.brokerage_accounts.some((id) => b.norcap.brokerage_accounts.includes(id))).toBe(false);

    const described = await controlAs(sb, 'get', '/_sandbox/workspace', { auth: keyOf(a) });
    expect(described.status).toBe(200);
    const { client_id, brokerage_accounts, linked_accounts, unlinked_accounts } = a.norcap;
    expect(described.body).toStrictEqual({
      id: a.id,
      created_at: a.created_at,
      expires_at: a.expires_at,
      norcap: { client_id, brokerage_accounts, linked_accounts, unlinked_accounts },
      nova: { client_id: a.nova.client_id, organizations: a.nova.organizations },
    });
    expect(JSON.stringify(described.body)).not.toContain(a.norcap.api_key);
    expect(JSON.stringify(described.body)).not.toContain(a.nova.client_secret);
  });

  test('under --seed, two sandboxes create the same workspaces (but never the same secrets)', async () => {
    const other = await testSandbox();
    try {
      const again = await newWorkspace(other);
      expect({ id: again.id, norcap: { ...again.norcap, api_key: 0 }, nova: { ...again.nova, client_secret: 0 } }).toEqual({
        id: a.id,
        norcap: { ...a.norcap, api_key: 0 },
        nova: { ...a.nova, client_secret: 0 },
      });
      expect(again.key).not.toBe(a.key);
    } finally {
      await other.stop();
    }
  });

  test('the default workspace keeps its fixture ids: creating workspaces does not move its id stream', async () => {
    const plain = await testSandbox();
    try {
      const mine = await norcapCreate(sb, defaultNorcapItem());
      const theirs = await norcapCreate(plain, defaultNorcapItem());
      expect(mine.body.distributions[0].id).toBe(theirs.body.distributions[0].id);
    } finally {
      await plain.stop();
    }
  });
});

describe('NorCap, route by route', () => {
  test("POST, GET by id and list: each credential sees its own workspace's distributions only", async () => {
    const made = await norcapCreate(sb, norcapItem(a), norcapAuthOf(a));
    expect(made.status).toBe(200);
    const id = made.body.distributions[0].id as string;

    expect((await norcapGet(sb, `${PATH}/${id}`, norcapAuthOf(a))).status).toBe(200);
    const fromB = await norcapGet(sb, `${PATH}/${id}`, norcapAuthOf(b));
    const nowhere = await norcapGet(sb, `${PATH}/${MISSING}`, norcapAuthOf(b));
    expect(fromB.status).toBe(404);
    expect(fromB.body.statusCode).toBe(nowhere.body.statusCode);
    expect((await norcapGet(sb, `${PATH}/${id}`, SANDBOX_AUTH)).status).toBe(404);

    expect((await norcapGet(sb, PATH, norcapAuthOf(a))).body.custody_distributions.map((d: { id: string }) => d.id)).toEqual([id]);
    expect((await norcapGet(sb, PATH, norcapAuthOf(b))).body.custody_distributions).toEqual([]);
    expect((await norcapGet(sb, PATH, SANDBOX_AUTH)).body.custody_distributions).toEqual([]);
  });

  test("another workspace's (or the default's) accounts do not exist for a workspace", async () => {
    const unknown = await norcapCreate(sb, { newDistributions: [{ ...norcapItem(b).newDistributions[0], brokerageAccountId: 'NC00000' }] }, norcapAuthOf(b));
    const aAccount = await norcapCreate(sb, { newDistributions: [{ ...norcapItem(b).newDistributions[0], brokerageAccountId: a.norcap.brokerage_accounts[0] }] }, norcapAuthOf(b));
    const defaultAccount = await norcapCreate(sb, { newDistributions: [{ ...norcapItem(b).newDistributions[0], brokerageAccountId: 'NC95156' }] }, norcapAuthOf(b));
    for (const res of [aAccount, defaultAccount]) {
      expect({ status: res.status, statusCode: res.body.statusCode, field: res.body.field }).toEqual({ status: unknown.status, statusCode: unknown.body.statusCode, field: unknown.body.field });
    }
    expect(unknown.status).toBe(400);
    const fromDefault = await norcapCreate(sb, { newDistributions: [{ brokerageAccountId: a.norcap.brokerage_accounts[0], amountCents: 1, accountId: 'A1234567890' }] });
    expect(fromDefault.status).toBe(400);
    const unlinked = await norcapCreate(sb, { newDistributions: [{ brokerageAccountId: a.norcap.brokerage_accounts[0], amountCents: 1, accountId: a.norcap.unlinked_accounts[0] }] }, norcapAuthOf(a));
    expect(unlinked.body).toEqual({ statusCode: '1400', statusDesc: `Bad request: '${a.norcap.unlinked_accounts[0]}' is not linked to an external account`, field: 'newDistributions[0].accountId' });
  });

  test("one workspace's client id with another's key, or a workspace's credentials after it is deleted, are 401", async () => {
    const mixed = `Bearer ${a.norcap.client_id}:${b.norcap.api_key}`;
    expect((await norcapGet(sb, PATH, mixed)).status).toBe(401);
    expect((await controlAs(sb, 'delete', '/_sandbox/workspace', { auth: keyOf(a) })).status).toBe(204);
    expect((await norcapGet(sb, PATH, norcapAuthOf(a))).status).toBe(401);
    expect((await norcapGet(sb, PATH, norcapAuthOf(b))).status).toBe(200);
    expect((await norcapGet(sb, PATH, SANDBOX_AUTH)).status).toBe(200);
  });
});

describe('Nova, route by route', () => {
  test('the token endpoint: form and Basic credentials of a workspace, never mixed with another', async () => {
    const form = await tokenRequest(sb, { grant_type: 'client_credentials', client_id: a.nova.client_id, client_secret: a.nova.client_secret });
    expect(form.status).toBe(200);
    expect(form.body.access_token).toMatch(new RegExp(`^${a.id}\\.`));
    const basic = await tokenRequest(sb, { grant_type: 'client_credentials' }, basicAuth(b.nova.client_id, b.nova.client_secret));
    expect(basic.status).toBe(200);
    const mixed = await tokenRequest(sb, { grant_type: 'client_credentials', client_id: a.nova.client_id, client_secret: b.nova.client_secret });
    expect(mixed.status).toBe(401);
    expect(mixed.body.error).toBe('invalid_client');
    const notGranted = await tokenRequest(sb, { grant_type: 'client_credentials', client_id: a.nova.client_id, client_secret: a.nova.client_secret, organization: orgOf(b).id });
    expect(notGranted.status).toBe(400);
  });

  test('two organizations: X-Organization-Id is required, and each lists its own vehicles, entities and contacts', async () => {
    const client = await NovaClient.for(sb, novaClientOf(a));
    const none = await client.get('/v1/vehicles');
    expect(none.status).toBe(400);
    expect(none.body.error.code).toBe('organization_required');
    for (const org of a.nova.organizations) {
      const inOrg = client.with({ organization: org.id });
      expect((await inOrg.get('/v1/vehicles')).body.data.map((v: { id: string }) => v.id).sort()).toEqual([...org.vehicles].sort());
      expect((await inOrg.get('/v1/entities')).body.data.map((v: { id: string }) => v.id).sort()).toEqual([...org.entities].sort());
      expect((await inOrg.get('/v1/contacts')).body.data.map((v: { id: string }) => v.id).sort()).toEqual([...org.contacts].sort());
    }
  });

  test("every /v1 route: what a workspace creates, the other workspace and the default see as not existing", async () => {
    const inA = await novaFor(a);
    const inB = await novaFor(b);
    const inDefault = await NovaClient.for(sb);
    const entity = (await inA.post('/v1/entities', [{ name: 'A Investor', type: 'trust' }])).body.data[0];
    const contact = (await inA.post('/v1/contacts', [{ name: 'A Person', email: 'a.person@example.com' }])).body.data[0];
    const made = await inA.post('/v1/distributions', [novaItem(a)]);
    expect(made.status).toBe(201);
    const distribution = made.body.data[0];
    const payments = await inA.get(`/v1/distributions/${distribution.id}/payments`);
    expect(payments.status).toBe(200);
    const payment = payments.body.data[0];
    expect((await inA.get(`/v1/distribution_payments/${payment.id}/notifications`)).status).toBe(200);

    const reads = [
      `/v1/entities/${entity.id}`,
      `/v1/contacts/${contact.id}`,
      `/v1/vehicles/${orgOf(a).vehicles[0]}`,
      `/v1/distributions/${distribution.id}`,
      `/v1/distributions/${distribution.id}/payments`,
      `/v1/distribution_payments/${payment.id}/notifications`,
    ];
    for (const path of reads) {
      expect((await inA.get(path)).status).toBe(200);
      for (const other of [inB, inDefault]) {
        const res = await other.get(path);
        expect({ path, status: res.status, code: res.body.error?.code }).toEqual({ path, status: 404, code: 'resource_missing' });
      }
    }
    expect((await inB.get('/v1/distributions')).body.data).toEqual([]);
    expect((await inDefault.get('/v1/distributions')).body.data).toEqual([]);
    expect((await inB.get('/v1/entities')).body.data.map((e: { id: string }) => e.id)).not.toContain(entity.id);

    // B's token may not act on A's organization, nor A's on the default's.
    expect((await inB.get('/v1/vehicles', { organization: orgOf(a).id })).status).toBe(403);
    expect((await inA.get('/v1/vehicles', { organization: ORG_1 })).status).toBe(403);
    // The default's fixtures are no one else's: A pays the default's entity from the default's vehicle → refused.
    const crossing = await inA.post('/v1/distributions', [{ ...novaItem(a), vehicle: VEHICLE_1, payments: [{ amount: 1, currency: 'USD', entity: ENTITY_1 }] }]);
    expect(crossing.status).toBe(404);
  });

  test('idempotency keys are per workspace: the same key with different bodies in A and B is no conflict', async () => {
    const inA = await novaFor(a);
    const inB = await novaFor(b);
    const first = await inA.post('/v1/entities', [{ name: 'Same key A', type: 'trust' }], { idempotencyKey: 'k-1' });
    const second = await inB.post('/v1/entities', [{ name: 'Same key B', type: 'llc' }], { idempotencyKey: 'k-1' });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.headers['idempotent-replayed']).toBeUndefined();
    expect(second.body.data[0].name).toBe('Same key B');
  });
});

describe('controls, one by one', () => {
  test("clock: a workspace's advance moves its own clock and expires its own tokens only", async () => {
    const inA = await novaFor(a);
    const inB = await novaFor(b);
    const inDefault = await NovaClient.for(sb);
    const moved = await controlAs(sb, 'post', '/_sandbox/clock/advance', { auth: keyOf(a), body: { seconds: 7200 } });
    expect(moved.status).toBe(200);
    expect(moved.body.offset_seconds).toBe(7200);
    expect((await controlAs(sb, 'get', '/_sandbox/clock', { auth: keyOf(b) })).body.offset_seconds).toBe(0);
    expect((await controlAs(sb, 'get', '/_sandbox/clock')).body.offset_seconds).toBe(0);
    const expired = await inA.get('/v1/vehicles');
    expect({ status: expired.status, code: expired.body.error.code }).toEqual({ status: 401, code: 'invalid_token' });
    expect((await inB.get('/v1/vehicles')).status).toBe(200);
    expect((await inDefault.get('/v1/vehicles')).status).toBe(200);
  });

  test("faults: armed in a workspace, they fire on its requests only (its token requests with form credentials too)", async () => {
    const armed = await controlAs(sb, 'post', '/_sandbox/faults', { auth: keyOf(a), body: { method: 'POST', path: '/v3/custody/distributions', status: 503 } });
    expect(armed.status).toBe(201);
    await controlAs(sb, 'post', '/_sandbox/faults', { auth: keyOf(a), body: { method: 'POST', path: '/oauth/token', status: 503 } });
    expect((await norcapCreate(sb, norcapItem(b), norcapAuthOf(b))).status).toBe(200);
    expect((await norcapCreate(sb, defaultNorcapItem())).status).toBe(200);
    const faulted = await norcapCreate(sb, norcapItem(a), norcapAuthOf(a));
    expect({ status: faulted.status, statusCode: faulted.body.statusCode }).toEqual({ status: 503, statusCode: '1503' });
    expect((await tokenRequest(sb, { grant_type: 'client_credentials', client_id: b.nova.client_id, client_secret: b.nova.client_secret })).status).toBe(200);
    const token = await tokenRequest(sb, { grant_type: 'client_credentials', client_id: a.nova.client_id, client_secret: a.nova.client_secret });
    expect(token.status).toBe(503);
    expect((await controlAs(sb, 'get', '/_sandbox/faults', { auth: keyOf(a) })).body.faults).toEqual([]);
    await controlAs(sb, 'post', '/_sandbox/faults', { auth: keyOf(b), body: { method: '*', path: '*', status: 500 } });
    expect((await controlAs(sb, 'get', '/_sandbox/faults')).body.faults).toEqual([]);
    expect((await controlAs(sb, 'get', '/_sandbox/faults', { auth: keyOf(a) })).body.faults).toEqual([]);
    expect((await norcapGet(sb, PATH, norcapAuthOf(a))).status).toBe(200);
  });

  test('journal and coverage: each workspace records its own requests; the default records only its own', async () => {
    await norcapGet(sb, PATH, norcapAuthOf(a));
    await norcapGet(sb, PATH, norcapAuthOf(a));
    await norcapGet(sb, `${PATH}/${MISSING}`, norcapAuthOf(b));
    await norcapGet(sb, PATH, SANDBOX_AUTH);
    await tokenRequest(sb, { grant_type: 'client_credentials', client_id: b.nova.client_id, client_secret: b.nova.client_secret });

    const journalOf = async (auth?: string) => (await controlAs(sb, 'get', '/_sandbox/requests', { auth })).body.entries.map((e: { method: string; path: string; status: number }) => `${e.method} ${e.path} ${e.status}`);
    expect(await journalOf(keyOf(a))).toEqual([`GET ${PATH} 200`, `GET ${PATH} 200`]);
    expect(await journalOf(keyOf(b))).toEqual(['POST /oauth/token 200', `GET ${PATH}/${MISSING} 404`]);
    expect(await journalOf()).toEqual([`GET ${PATH} 200`]);

    const callsOf = async (auth?: string) => {
      const report = (await controlAs(sb, 'get', '/_sandbox/coverage', { auth })).body;
      return report.apis.norcap.operations.find((op: { operationId: string }) => op.operationId === 'listDistributions').calls as number;
    };
    expect([await callsOf(keyOf(a)), await callsOf(keyOf(b)), await callsOf()]).toEqual([2, 0, 1]);
    expect((await controlAs(sb, 'delete', '/_sandbox/requests', { auth: keyOf(a) })).status).toBe(204);
    expect(await journalOf(keyOf(a))).toEqual([]);
    expect(await journalOf()).toEqual([`GET ${PATH} 200`]);
  });

  test("lifecycle moves: a workspace moves its own distributions; another workspace's are not found", async () => {
    const norcapId = (await norcapCreate(sb, norcapItem(a), norcapAuthOf(a))).body.distributions[0].id as string;
    const novaId = (await (await novaFor(a)).post('/v1/distributions', [novaItem(a)])).body.data[0].id as string;
    const fromB = await controlAs(sb, 'post', `/_sandbox/norcap/distributions/${norcapId}/status`, { auth: keyOf(b), body: { status: 'processing' } });
    expect(fromB.status).toBe(404);
    expect((await controlAs(sb, 'post', `/_sandbox/nova/distributions/${novaId}/status`, { body: { status: 'published' } })).status).toBe(404);
    const moved = await controlAs(sb, 'post', `/_sandbox/norcap/distributions/${norcapId}/status`, { auth: keyOf(a), body: { status: 'processing' } });
    expect(moved.status).toBe(200);
    expect(moved.body.status).toBe('processing');
    expect((await norcapGet(sb, `${PATH}/${norcapId}`, norcapAuthOf(a))).body.distribution.status).toBe('processing');
    const novaMoved = await controlAs(sb, 'post', `/_sandbox/nova/distributions/${novaId}/status`, { auth: keyOf(a), body: { status: 'published' } });
    expect(novaMoved.status).toBe(200);
  });

  test("reset: a workspace goes back to its own fixtures; the other workspace and the default keep theirs", async () => {
    const inA = await novaFor(a);
    const inB = await novaFor(b);
    await inA.post('/v1/entities', [{ name: 'Gone after reset', type: 'trust' }]);
    await norcapCreate(sb, norcapItem(a), norcapAuthOf(a));
    const bMade = (await norcapCreate(sb, norcapItem(b), norcapAuthOf(b))).body.distributions[0].id as string;
    const defaultMade = (await norcapCreate(sb, defaultNorcapItem())).body.distributions[0].id as string;
    await controlAs(sb, 'post', '/_sandbox/clock/advance', { auth: keyOf(a), body: { seconds: 60 } });

    const reset = await controlAs(sb, 'post', '/_sandbox/reset', { auth: keyOf(a) });
    expect(reset.status).toBe(200);
    expect(reset.body.clock.offset_seconds).toBe(0);
    expect((await norcapGet(sb, PATH, norcapAuthOf(a))).body.custody_distributions).toEqual([]);
    // Its credentials still work (its fixtures hold them); its tokens are gone with the rest.
    expect((await inA.get('/v1/vehicles')).status).toBe(401);
    const again = await novaFor(a);
    expect((await again.get('/v1/entities')).body.data.map((e: { id: string }) => e.id).sort()).toEqual([...orgOf(a).entities].sort());
    expect((await norcapGet(sb, PATH, norcapAuthOf(b))).body.custody_distributions.map((d: { id: string }) => d.id)).toEqual([bMade]);
    expect((await inB.get('/v1/vehicles')).status).toBe(200);
    expect((await norcapGet(sb, PATH, SANDBOX_AUTH)).body.custody_distributions.map((d: { id: string }) => d.id)).toEqual([defaultMade]);
  });

  test('the admin (here: loopback, no token) acts on a workspace named by X-Sandbox-Workspace; an unknown one is 404', async () => {
    const moved = await controlAs(sb, 'post', '/_sandbox/clock/advance', { headers: { 'X-Sandbox-Workspace': b.id }, body: { seconds: 30 } });
    expect(moved.body.offset_seconds).toBe(30);
    expect((await controlAs(sb, 'get', '/_sandbox/clock', { auth: keyOf(b) })).body.offset_seconds).toBe(30);
    expect((await controlAs(sb, 'get', '/_sandbox/clock', { auth: keyOf(a) })).body.offset_seconds).toBe(0);
    const described = await controlAs(sb, 'get', '/_sandbox/workspace', { headers: { 'X-Sandbox-Workspace': b.id } });
    expect(described.body.id).toBe(b.id);
    const unknown = await controlAs(sb, 'get', '/_sandbox/clock', { headers: { 'X-Sandbox-Workspace': 'ws_0000000000000000' } });
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  test("a workspace's key works for its own controls only; a deleted workspace's key is 401", async () => {
    const forged = `Bearer wsk_${a.id.slice(3)}_${b.key.split('_').slice(2).join('_')}`;
    const res = await controlAs(sb, 'get', '/_sandbox/clock', { auth: forged });
    expect(res.status).toBe(401);
    expect((await controlAs(sb, 'delete', '/_sandbox/workspace', { auth: keyOf(a) })).status).toBe(204);
    for (const [method, path] of [['get', '/_sandbox/clock'], ['get', '/_sandbox/workspace'], ['delete', '/_sandbox/workspace'], ['post', '/_sandbox/reset']] as const) {
      expect({ path, status: (await controlAs(sb, method, path, { auth: keyOf(a) })).status }).toEqual({ path, status: 401 });
    }
    expect((await controlAs(sb, 'get', '/_sandbox/workspace', { auth: keyOf(b) })).status).toBe(200);
    const noKey = await controlAs(sb, 'get', '/_sandbox/workspace');
    expect(noKey.status).toBe(401);
  });
});

describe('the default workspace is unchanged', () => {
  test('its fixture credentials and controls answer as without workspaces', async () => {
    const plain = await testSandbox();
    try {
      for (const target of [sb, plain]) {
        expect((await norcapGet(target, PATH, SANDBOX_AUTH)).status).toBe(200);
      }
      const mine = await request(sb.app).get('/_sandbox/clock');
      const theirs = await request(plain.app).get('/_sandbox/clock');
      expect(mine.body).toEqual(theirs.body);
      expectContract('sandbox', mine);
      const tokenNova = await NovaClient.for(sb);
      expect((await tokenNova.get('/v1/vehicles')).body.data.map((v: { id: string }) => v.id)).toContain(VEHICLE_1);
      expectNovaError(await request(sb.app).get('/v1/vehicles').set('Authorization', `Bearer ${a.id}.forged`), 401, 'invalid_token');
    } finally {
      await plain.stop();
    }
  });
});
