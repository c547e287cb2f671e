import { describe, expect, test } from '@jest/globals';
import { create as norcapCreate, get as norcapGet, item as defaultNorcapItem, PATH } from '../norcap/helpers.js';
import { NovaClient } from '../nova/helpers.js';
import { expectProblem } from '../control-plane/helpers.js';
import { sandboxPerTest } from '../support/harness.js';
import { warmUpValidators, controlAs, keyOf, newWorkspace, norcapAuthOf, norcapItem, novaClientOf, postWorkspace } from './helpers.js';

warmUpValidators();

const ADMIN = 'Bearer admin-s3cret';
const sandbox = sandboxPerTest();

describe('who may create a workspace', () => {
  test('on loopback without an admin token: anyone', async () => {
    const sb = await sandbox();
    expect((await postWorkspace(sb)).status).toBe(201);
  });

  test('with an admin token: the admin only, refused in problem+json; nothing is created', async () => {
    const sb = await sandbox({ adminToken: 'admin-s3cret' });
    expectProblem(await postWorkspace(sb), 401, 'requires the admin token');
    expectProblem(await postWorkspace(sb, 'Bearer wrong'), 401, 'without --open-signup');
    const made = await newWorkspace(sb, ADMIN);
    // Its key, not the admin token, opens its controls; X-Sandbox-Workspace needs the admin token.
    expect((await controlAs(sb, 'get', '/_sandbox/clock', { auth: keyOf(made) })).status).toBe(200);
    expectProblem(await controlAs(sb, 'get', '/_sandbox/clock', { headers: { 'X-Sandbox-Workspace': made.id } }), 401, 'requires the admin token');
    expect((await controlAs(sb, 'get', '/_sandbox/clock', { auth: ADMIN, headers: { 'X-Sandbox-Workspace': made.id } })).status).toBe(200);
    // The default workspace's controls still need the admin token, a workspace key does not open them.
    expectProblem(await controlAs(sb, 'get', '/_sandbox/clock'), 401, 'admin token');
    expect((await controlAs(sb, 'get', '/_sandbox/workspace', { auth: ADMIN, headers: { 'X-Sandbox-Workspace': made.id } })).body.id).toBe(made.id);
  });

  test('with --open-signup: anyone, rate-limited per client address (429 problem with Retry-After)', async () => {
    const sb = await sandbox({ adminToken: 'admin-s3cret', workspaces: { openSignup: true, signupRate: { limit: 2, windowMs: 60 * 60 * 1000 } } });
    expect((await postWorkspace(sb)).status).toBe(201);
    expect((await postWorkspace(sb)).status).toBe(201);
    const third = await postWorkspace(sb);
    expectProblem(third, 429, 'at most 2 workspaces');
    expect(third.headers['retry-after']).toBe('3600');
    // The admin is not rate-limited.
    expect((await postWorkspace(sb, ADMIN)).status).toBe(201);
  });
});

describe('bounds', () => {
  test('a cap on the number of workspaces: 409 problem beyond it, room again once one is deleted', async () => {
    const sb = await sandbox({ workspaces: { max: 1 } });
    const only = await newWorkspace(sb);
    expectProblem(await postWorkspace(sb), 409, 'maximum of 1 workspaces');
    expect((await controlAs(sb, 'delete', '/_sandbox/workspace', { auth: keyOf(only) })).status).toBe(204);
    expect((await postWorkspace(sb)).status).toBe(201);
  });

  test('a workspace idle longer than the TTL is deleted; each use moves its expiry on', async () => {
    let now = Date.parse('2024-04-20T12:00:00Z');
    const sb = await sandbox({ workspaces: { ttlSeconds: 3600, now: () => now } });
    const ws = await newWorkspace(sb);
    expect(ws.expires_at).toBe('2024-04-20T13:00:00.000Z');
    now += 3000 * 1000;
    expect((await norcapGet(sb, PATH, norcapAuthOf(ws))).status).toBe(200); // used: idle from here
    now += 3000 * 1000;
    const described = await controlAs(sb, 'get', '/_sandbox/workspace', { auth: keyOf(ws) });
    expect(described.status).toBe(200);
    expect(described.body.expires_at).toBe('2024-04-20T14:40:00.000Z');
    now += 3601 * 1000;
    expectProblem(await controlAs(sb, 'get', '/_sandbox/workspace', { auth: keyOf(ws) }), 401, 'does not exist');
    expect((await norcapGet(sb, PATH, norcapAuthOf(ws))).status).toBe(401);
  });

  test('records per workspace: one past the cap is refused in each API\'s envelope, nothing written; the default has no such cap', async () => {
    const sb = await sandbox({ workspaces: { caps: { recordsPerCollection: 1 } } });
    const ws = await newWorkspace(sb);
    expect((await norcapCreate(sb, norcapItem(ws), norcapAuthOf(ws))).status).toBe(200);
    const refused = await norcapCreate(sb, norcapItem(ws), norcapAuthOf(ws));
    expect(refused.status).toBe(422);
    expect(refused.body).toEqual({ statusCode: '1422', statusDesc: expect.stringContaining('at most 1 NorCap distributions') });
    expect((await norcapGet(sb, PATH, norcapAuthOf(ws))).body.custody_distributions).toHaveLength(1);

    const nova = (await NovaClient.for(sb, novaClientOf(ws))).with({ organization: ws.nova.organizations[0]!.id });
    const entities = (await nova.get('/v1/entities')).body.data.length as number;
    // The fixtures already hold entities; the cap counts them: one more is past it.
    const entity = await nova.post('/v1/entities', [{ name: 'One too many', type: 'trust' }]);
    expect(entity.status).toBe(403);
    expect(entity.body.error.message).toContain('at most 1 entities');
    expect((await nova.get('/v1/entities')).body.data).toHaveLength(entities);

    for (let i = 0; i < 3; i++) expect((await norcapCreate(sb, defaultNorcapItem())).status).toBe(200);
    // A reset makes room again.
    await controlAs(sb, 'post', '/_sandbox/reset', { auth: keyOf(ws) });
    expect((await norcapCreate(sb, norcapItem(ws), norcapAuthOf(ws))).status).toBe(200);
  });

  test("the journal keeps a workspace's newest entries only", async () => {
    const sb = await sandbox({ workspaces: { caps: { journalEntries: 2 } } });
    const ws = await newWorkspace(sb);
    for (let i = 0; i < 3; i++) await norcapGet(sb, PATH, norcapAuthOf(ws));
    const journal = await controlAs(sb, 'get', '/_sandbox/requests', { auth: keyOf(ws) });
    expect({ capacity: journal.body.capacity, total: journal.body.total }).toEqual({ capacity: 2, total: 2 });
  });
});
