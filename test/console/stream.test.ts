import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Sandbox } from '../../src/sandbox.js';
import { TEST_STORE, testSandbox } from '../support/harness.js';

/** The harness stops PostgreSQL sandboxes itself (and drops their schemas); a second stop would end their pool twice. */
const stop = (sandbox: Sandbox | undefined): Promise<void> | undefined => (TEST_STORE === 'embedded' ? sandbox?.stop() : undefined);
import { StreamReader } from './helpers.js';

const NORCAP = 'Bearer sandbox:sandbox_api_key';
const create = { newDistributions: [{ brokerageAccountId: 'NC95156', amountCents: 1234, accountId: 'A1234567890' }] };

let sb: Sandbox;
let url: string;
beforeAll(async () => {
  sb = await testSandbox({ console: { stream: { heartbeatMs: 25 } } });
  url = await sb.start(0);
});
afterAll(() => stop(sb));

function norcapCreate(body: unknown = create, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/v3/custody/distributions`, { method: 'POST', headers: { Authorization: NORCAP, 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

describe('GET /console/stream', () => {
  test('rows arrive live, in order, with their verdict; a reconnect with Last-Event-ID resumes without losing or repeating one', async () => {
    const stream = new StreamReader(`${url}/console/stream`);
    await stream.opened;
    expect(stream.status).toBe(200);
    const hello = await stream.next((e) => e.event === 'hello');
    expect(JSON.parse(hello.data)).toMatchObject({ workspace: 'default', fresh: true });

    expect((await norcapCreate()).status).toBe(200);
    const ok = await stream.row((r) => r.method === 'POST' && r.status === 200);
    expect(ok).toMatchObject({ api: 'norcap', operation: 'createDistributions', matched_contract: true, fault: null, replayed: false });

    expect((await norcapCreate({ newDistributions: [{ brokerageAccountId: 'NC95156', amountCents: 'lots', accountId: 'A1234567890' }] })).status).toBe(400);
    const bad = await stream.row((r) => r.status === 400);
    expect(bad.matched_contract).toBe(false);
    expect(bad.violations).toBe(1); // the stream sends a summary; the detail is fetched when a row is opened
    expect(bad.request).toBeUndefined();
    const detail = (await (await fetch(`${url}/console/requests/${String(bad.seq)}`)).json()) as { violations: unknown[]; request: { body: { value: unknown } } };
    expect(detail.request.body.value).toEqual({ newDistributions: [{ brokerageAccountId: 'NC95156', amountCents: 'lots', accountId: 'A1234567890' }] });
    expect(detail.violations).toEqual([expect.objectContaining({ in: 'request', pointer: '/newDistributions/0/amountCents', expected: 'must be integer', actual: '"lots"', operation: 'createDistributions (POST /v3/custody/distributions)' })]);
    const lastId = stream.lastId as string;
    stream.close();

    // Two requests while away…
    await norcapCreate();
    await fetch(`${url}/v3/custody/distributions`, { headers: { Authorization: NORCAP } });
    const resumed = new StreamReader(`${url}/console/stream`, { 'Last-Event-ID': lastId });
    const hello2 = JSON.parse((await resumed.next((e) => e.event === 'hello')).data) as { fresh: boolean; gap: number };
    expect(hello2).toMatchObject({ fresh: false, gap: 0 });
    await resumed.row((r) => r.method === 'GET');
    // …exactly those two, nothing seen before.
    const rows = resumed.events.filter((e) => e.event === 'request').map((e) => JSON.parse(e.data) as { method: string; status: number });
    expect(rows.map((r) => `${r.method} ${r.status}`)).toEqual(['POST 200', 'GET 200']);
    resumed.close();
  });

  test('heartbeats keep an idle stream open', async () => {
    const stream = new StreamReader(`${url}/console/stream`);
    await stream.opened;
    await stream.heartbeat();
    expect(stream.comments).toBeGreaterThan(0);
    stream.close();
  });

  test('a fault and an idempotent replay are marked on their rows', async () => {
    const stream = new StreamReader(`${url}/console/stream`);
    await stream.opened;
    await fetch(`${url}/_sandbox/faults`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ method: 'POST', path: '/v3/custody/distributions', status: 503 }) });
    const armed = await stream.next((e) => e.event === 'timeline' && (JSON.parse(e.data) as { kind: string }).kind === 'fault_armed');
    const faultId = (JSON.parse(armed.data) as { fault: { id: string } }).fault.id;
    expect((await norcapCreate()).status).toBe(503);
    const faulted = await stream.row((r) => r.status === 503);
    expect(faulted.fault).toMatchObject({ id: faultId, status: 503 });

    const token = (await (await fetch(`${url}/oauth/token`, { method: 'POST', headers: { Authorization: `Basic ${Buffer.from('sandbox_client:sandbox_secret').toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' })).json()) as { access_token: string };
    const body = JSON.stringify([{ name: 'Replay me', distribution_date: '2024-04-20T00:00:00Z', vehicle: 'veh_pNvehE6O1KjY2W6Omq9MD3QAEs5w', payments: [{ amount: 1000, currency: 'USD', entity: 'ent_H0hdMOc5E5QMTEcGVZKegvLNCB6p', notifications: [{ contact: 'cnt_tSfCZrNE8O3c4QATSkzuCljMZ2DI' }], distribution_date_override: '2024-04-20T00:00:00Z' }] }]);
    const headers = { Authorization: `Bearer ${token.access_token}`, 'Content-Type': 'application/json', 'Idempotency-Key': 'replay-me-1' };
    expect((await fetch(`${url}/v1/distributions`, { method: 'POST', headers, body })).status).toBe(201);
    expect((await fetch(`${url}/v1/distributions`, { method: 'POST', headers, body })).status).toBe(201);
    const replay = await stream.row((r) => r.replayed === true);
    expect(replay).toMatchObject({ idempotency_key: 'replay-me-1', path: '/v1/distributions' });
    expect(stream.raw).not.toContain(token.access_token);
    expect(stream.raw).not.toContain('sandbox_secret');
    expect(stream.raw).not.toContain('sandbox_api_key');
    stream.close();
  });

  test('a request no longer kept has no detail: 404 problem', async () => {
    const res = await fetch(`${url}/console/requests/999999`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  test('without Accept: text/event-stream it is 406, as problem+json', async () => {
    const res = await fetch(`${url}/console/stream`);
    expect(res.status).toBe(406);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});
