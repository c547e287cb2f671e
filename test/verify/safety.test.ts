import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { createSandbox, type Sandbox } from '../../src/sandbox.js';
import { verify } from '../../src/verify/runner.js';

// Safe against a real sandbox: reads only unless --allow-writes, nothing at all under --dry-run,
// a rerun with the same run tag creates nothing twice, Retry-After is honoured.
describe('verify is safe against a target', () => {
  let target: Sandbox;
  let url: string;
  beforeAll(async () => {
    target = await createSandbox({ seed: 11 });
    url = await target.start(0);
  });
  afterAll(() => target.stop());
  beforeEach(() => target.reset());

  const requests = () => target.journal.list({ limit: 1000 }).entries;

  test.each(['nova', 'norcap'] as const)('%s without --allow-writes: the target receives no POST but the token request', async (api) => {
    const report = await verify({ api, target: url, seed: 2 });
    expect(report.exitCode).toBe(0);
    const posts = requests().filter((e) => e.method !== 'GET');
    expect(posts.map((e) => e.path)).toEqual(api === 'nova' ? posts.map(() => '/oauth/token') : []);
    expect(requests().filter((e) => e.method === 'GET').length).toBeGreaterThan(0);
    expect(report.cases.filter((c) => c.status === 'skipped').every((c) => c.skipped === 'creates: needs --allow-writes' || c.skipped === 'sends wrong credentials: needs --include-auth-failures')).toBe(true);
    expect(report.summary.skipped).toBeGreaterThan(0);
  }, 30_000);

  test('--dry-run sends nothing and lists the plan', async () => {
    const report = await verify({ api: 'nova', target: url, allowWrites: true, dryRun: true });
    expect(requests()).toEqual([]);
    expect(report.exitCode).toBe(0);
    expect(report.dryRun).toBe(true);
    expect(report.cases.map((c) => c.id)).toContain('createDistributions.flow');
    expect(report.cases.find((c) => c.id === 'createDistributions.flow')?.steps.map((s) => s.operation)).toEqual(['createDistributions', 'getDistribution', 'listDistributionPayments', 'listPaymentNotifications', 'listDistributions']);
  });

  test('nova: a rerun with the same run tag creates nothing twice (Idempotency-Key replays)', async () => {
    const count = async () => {
      const token = (await (await fetch(`${url}/oauth/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'sandbox_client', client_secret: 'sandbox_secret' }) })).json()) as { access_token: string };
      const list = async (path: string) => ((await (await fetch(`${url}${path}?limit=100`, { headers: { authorization: `Bearer ${token.access_token}` } })).json()) as { data: unknown[] }).data.length;
      return { entities: await list('/v1/entities'), contacts: await list('/v1/contacts'), distributions: await list('/v1/distributions') };
    };
    const before = await count();
    const first = await verify({ api: 'nova', target: url, allowWrites: true, runTag: 'rerun-1' });
    expect(first.exitCode).toBe(0);
    const afterFirst = await count();
    expect(afterFirst.contacts).toBeGreaterThan(before.contacts);
    const second = await verify({ api: 'nova', target: url, allowWrites: true, runTag: 'rerun-1' });
    expect(second.cases.flatMap((c) => c.differences)).toEqual([]);
    expect(second.exitCode).toBe(0);
    expect(await count()).toEqual(afterFirst);
  }, 30_000);

  test('norcap: a rerun with the same run tag creates nothing twice (found by its memo)', async () => {
    const total = async () => ((await (await fetch(`${url}/v3/custody/distributions?limit=1`, { headers: { authorization: 'Bearer sandbox:sandbox_api_key' } })).json()) as { pagination: { totalRecords: number } }).pagination.totalRecords;
    const first = await verify({ api: 'norcap', target: url, allowWrites: true, runTag: 'rerun-2' });
    expect(first.exitCode).toBe(0);
    const afterFirst = await total();
    expect(afterFirst).toBeGreaterThan(0);
    const second = await verify({ api: 'norcap', target: url, allowWrites: true, runTag: 'rerun-2' });
    expect(second.exitCode).toBe(0);
    expect(await total()).toBe(afterFirst);
    expect(second.cases.find((c) => c.id === 'createDistributions.flow')?.skipped).toMatch(/^created by an earlier run with run tag rerun-2 \([0-9a-f-]{36}\): not created twice$/);
  }, 30_000);

  test('a 429 with Retry-After is waited out (by the injected sleep) and retried', async () => {
    await target.faults.add({ method: 'GET', path: '/v1/vehicles', status: 429, count: 1, retry_after: 7 });
    const slept: number[] = [];
    const report = await verify({ api: 'nova', target: url, only: ['listVehicles'], sleep: async (ms) => void slept.push(ms) });
    expect(slept).toEqual([7000]);
    expect(report.exitCode).toBe(0);
  });
});
