import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import request from 'supertest';
import { parseCli } from '../../src/cli-options.js';
import type { Sandbox } from '../../src/sandbox.js';
import type { CreatedWorkspace } from '../../src/workspaces/routes.js';
import { TEST_STORE, testSandbox } from '../support/harness.js';

/** The harness stops PostgreSQL sandboxes itself (and drops their schemas); a second stop would end their pool twice. */
const stop = (sandbox: Sandbox | undefined): Promise<void> | undefined => (TEST_STORE === 'embedded' ? sandbox?.stop() : undefined);
import { newWorkspace, norcapAuthOf, norcapItem } from '../workspaces/helpers.js';
import { StreamReader } from './helpers.js';

/** The console cookie a sign-in set, as `name=value` for a Cookie header. */
function cookieFrom(res: request.Response): string {
  const header = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('sandbox_console='));
  if (!header) throw new Error('no console cookie was set');
  return header.split(';')[0] as string;
}

describe('console security headers', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await testSandbox();
  });
  afterAll(() => stop(sb));

  test('the page is served with a strict CSP (no inline script), frame-ancestors none, and has no inline script or style', async () => {
    const res = await request(sb.app).get('/console');
    expect(res.status).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(res.text).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    const js = await request(sb.app).get('/console/assets/console.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
    expect(js.text).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
  });

  test('another origin is refused 403: the stream, the session, the records, a Host it does not answer to', async () => {
    const stream = await request(sb.app).get('/console/stream').set('Accept', 'text/event-stream').set('Origin', 'http://evil.example');
    expect(stream.status).toBe(403);
    expect(stream.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await request(sb.app).get('/console/stream').set('Accept', 'text/event-stream').set('Sec-Fetch-Site', 'cross-site')).status).toBe(403);
    expect((await request(sb.app).get('/console/records').set('Sec-Fetch-Site', 'same-site')).status).toBe(403);
    expect((await request(sb.app).post('/console/session').set('Origin', 'http://evil.example').send({ key: 'x' })).status).toBe(403);
    expect((await request(sb.app).post('/console/first-run/norcap-create').set('Content-Type', 'text/plain').send('{}')).status).toBe(403);
    expect((await request(sb.app).get('/console/records').set('Host', 'evil.example')).status).toBe(403);
    // A link from elsewhere may open the page itself (it is inert until it is this origin's).
    expect((await request(sb.app).get('/console').set({ 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Dest': 'document' })).status).toBe(200);
  });

  test('--no-console (and SANDBOX_CONSOLE=false) turn the page and its stream off', async () => {
    expect(parseCli(['node', 'cli']).console).toBe(true);
    expect(parseCli(['node', 'cli', '--no-console']).console).toBe(false);
    expect(parseCli(['node', 'cli'], { SANDBOX_CONSOLE: 'false' }).console).toBe(false);
    const off = await testSandbox({ console: false });
    try {
      expect((await request(off.app).get('/console')).status).toBe(404);
      expect((await request(off.app).get('/console/stream').set('Accept', 'text/event-stream')).status).toBe(404);
      expect((await request(off.app).get('/v3/custody/distributions').set('Authorization', 'Bearer sandbox:sandbox_api_key')).status).toBe(200);
    } finally {
      await stop(off);
    }
  });
});

describe('signing in', () => {
  let sb: Sandbox;
  let url: string;
  beforeAll(async () => {
    sb = await testSandbox({ adminToken: 'adm1n-t0ken' });
    url = await sb.start(0);
  });
  afterAll(() => stop(sb));

  test('with an admin token the default workspace needs it: the form sets an HttpOnly, SameSite=Strict cookie that the controls then accept', async () => {
    expect((await request(sb.app).get('/console/session')).body).toMatchObject({ signed_in: false });
    expect((await request(sb.app).get('/console/stream').set('Accept', 'text/event-stream')).status).toBe(401);
    expect((await request(sb.app).post('/console/session').send({ key: 'wrong' })).status).toBe(401);
    const signed = await request(sb.app).post('/console/session').send({ key: 'adm1n-t0ken' });
    expect(signed.status).toBe(200);
    expect(signed.body).toMatchObject({ signed_in: true, workspace: 'default', via: 'admin' });
    const setCookie = String(([] as string[]).concat(signed.headers['set-cookie'] ?? [])[0]);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\//);
    const cookie = cookieFrom(signed);
    expect((await request(sb.app).get('/_sandbox/clock').set('Cookie', cookie)).status).toBe(200);
    expect((await request(sb.app).get('/_sandbox/clock')).status).toBe(401);
    // …but never for a call from another origin.
    expect((await request(sb.app).get('/_sandbox/clock').set('Cookie', cookie).set('Sec-Fetch-Site', 'cross-site')).status).toBe(401);

    const stream = new StreamReader(`${url}/console/stream`, { Cookie: cookie });
    await stream.opened;
    expect(stream.status).toBe(200);
    expect(JSON.parse((await stream.next((e) => e.event === 'hello')).data)).toMatchObject({ workspace: 'default' });
    stream.close();
    const out = await request(sb.app).delete('/console/session').set('Cookie', cookie);
    expect(out.status).toBe(204);
    expect(String(([] as string[]).concat(out.headers['set-cookie'] ?? [])[0])).toMatch(/sandbox_console=;/);
  });

  test('two workspaces never see each other’s rows, records, clock or faults', async () => {
    const admin = 'Bearer adm1n-t0ken';
    const [a, b] = [await newWorkspace(sb, admin), await newWorkspace(sb, admin)] as [CreatedWorkspace, CreatedWorkspace];
    const cookieA = cookieFrom(await request(sb.app).post('/console/session').send({ key: a.key }));
    const cookieB = cookieFrom(await request(sb.app).post('/console/session').send({ key: b.key }));
    const streamA = new StreamReader(`${url}/console/stream`, { Cookie: cookieA });
    const streamB = new StreamReader(`${url}/console/stream`, { Cookie: cookieB });
    await Promise.all([streamA.opened, streamB.opened]);

    const created = await request(sb.app).post('/v3/custody/distributions').set('Authorization', norcapAuthOf(a)).send(norcapItem(a));
    expect(created.status).toBe(200);
    await request(sb.app).get('/v3/custody/distributions?limit=7').set('Authorization', norcapAuthOf(b));
    const mine = await streamA.row((r) => r.method === 'POST');
    expect(mine.api).toBe('norcap');
    await streamB.row((r) => r.query === '?limit=7');
    // A's faults and clock move through its cookie; B's stay as they were.
    expect((await request(sb.app).post('/_sandbox/faults').set('Cookie', cookieA).send({ method: 'GET', path: '/v3/custody/distributions', status: 500 })).status).toBe(201);
    expect((await request(sb.app).post('/_sandbox/clock/advance').set('Cookie', cookieA).send({ seconds: 60 })).status).toBe(200);
    await streamA.next((e) => e.event === 'timeline' && e.data.includes('"kind":"clock"'));
    expect((await request(sb.app).get('/_sandbox/faults').set('Cookie', cookieB)).body.faults).toEqual([]);
    expect((await request(sb.app).get('/_sandbox/clock').set('Cookie', cookieB)).body.offset_seconds).toBe(0);
    // One more request in B, after all of A's: then B's stream has everything it will get.
    await request(sb.app).get('/v3/custody/distributions?limit=8').set('Authorization', norcapAuthOf(b));
    await streamB.row((r) => r.query === '?limit=8');
    expect(streamB.events.filter((e) => e.event === 'request').map((e) => (JSON.parse(e.data) as { query: string }).query)).toEqual(['?limit=7', '?limit=8']);
    expect(streamB.raw).not.toContain(created.body.distributions[0].id);
    expect(streamB.events.filter((e) => e.event === 'timeline')).toEqual([]);

    const recordsA = (await request(sb.app).get('/console/records').set('Cookie', cookieA)).body as { records: { id: string }[] };
    const recordsB = (await request(sb.app).get('/console/records').set('Cookie', cookieB)).body as { records: { id: string }[] };
    expect(recordsA.records.map((r) => r.id)).toContain(created.body.distributions[0].id);
    expect(recordsB.records.map((r) => r.id)).not.toContain(created.body.distributions[0].id);
    for (const s of [streamA, streamB]) {
      expect(s.raw).not.toContain(a.norcap.api_key);
      expect(s.raw).not.toContain(b.norcap.api_key);
    }
    streamA.close();
    streamB.close();
  });
});

describe('secrets never reach the console', () => {
  let sb: Sandbox;
  let url: string;
  beforeAll(async () => {
    sb = await testSandbox();
    url = await sb.start(0);
  });
  afterAll(() => stop(sb));

  test('not in the stream, the JSON export or the HAR export: Basic and form client secrets, issued tokens, API keys, workspace keys', async () => {
    const stream = new StreamReader(`${url}/console/stream`);
    await stream.opened;
    const basic = await request(sb.app).post('/oauth/token').auth('sandbox_client', 'sandbox_secret').type('form').send({ grant_type: 'client_credentials' });
    const form = await request(sb.app).post('/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: 'multi_org_client', client_secret: 'multi_org_secret' });
    const tokens = [basic.body.access_token as string, form.body.access_token as string];
    expect(tokens.every(Boolean)).toBe(true);
    await request(sb.app).get('/v1/vehicles').set('Authorization', `Bearer ${tokens[0]}`);
    await request(sb.app).get('/v3/custody/distributions').set('Authorization', 'Bearer sandbox:sandbox_api_key').set('X-Api-Key', 'sandbox_api_key');
    await request(sb.app).get(`/v3/custody/distributions?client_secret=hunter22&note=${encodeURIComponent('wsk_AAAAAAAAAAAAAAAA_s3cretpart')}`).set('Authorization', 'Bearer sandbox:sandbox_api_key');
    await stream.row((r) => String(r.query).includes('client_secret'));

    const json = await request(sb.app).get('/console/export?format=json');
    const har = await request(sb.app).get('/console/export?format=har');
    expect(json.status).toBe(200);
    expect(json.headers['content-disposition']).toMatch(/^attachment; filename="sandbox-default-.*\.json"$/);
    expect(har.status).toBe(200);
    const log = (JSON.parse(har.text) as { log: { version: string; entries: { request: { url: string; headers: { name: string; value: string }[] }; response: { status: number } }[] } }).log;
    expect(log.version).toBe('1.2');
    expect(log.entries.length).toBeGreaterThanOrEqual(5);
    expect(log.entries[0]!.request.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/token$/);
    const auth = log.entries[2]!.request.headers.find((h) => h.name === 'authorization');
    expect(auth?.value).toBe('Bearer [masked]');

    for (const text of [stream.raw, json.text, har.text]) {
      for (const secret of ['sandbox_secret', 'multi_org_secret', 'sandbox_api_key', 'hunter22', 's3cretpart', ...tokens]) expect(text).not.toContain(secret);
      expect(text).not.toContain(Buffer.from('sandbox_client:sandbox_secret').toString('base64'));
    }
    expect((await request(sb.app).get('/console/export?format=xml')).status).toBe(400);
    stream.close();
  });
});
