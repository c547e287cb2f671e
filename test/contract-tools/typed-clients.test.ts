import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import { createSandbox, type Sandbox } from '../../src/index.js';

// Typed clients as users build them: openapi-typescript generates types from the spec the
// sandbox serves (GET /openapi/<api>.json), a small program makes the README's NorCap and Nova
// calls through openapi-fetch, `tsc --noEmit` type-checks it against those types, and then the
// same program runs for real against the sandbox.

// tsc and a node process on a shared 2-core machine: a guard against a hang, not a wait.
jest.setTimeout(60_000);

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The README's examples, through openapi-fetch; prints each answer as JSON lines. */
const PROGRAM = `
import createClient from 'openapi-fetch';
import type { paths as NorcapPaths } from './norcap.js';
import type { paths as NovaPaths } from './nova.js';

const baseUrl = process.argv[2] as string;
const results: Record<string, { status: number; body: unknown }> = {};
const keep = (name: string, r: { response: Response; data?: unknown; error?: unknown }) => {
  results[name] = { status: r.response.status, body: r.data ?? r.error };
};

// NorCap: create (seed example 1), the list with filters and sort, one by id.
const norcap = createClient<NorcapPaths>({ baseUrl, headers: { Authorization: 'Bearer sandbox:sandbox_api_key' } });
const created = await norcap.POST('/v3/custody/distributions', {
  body: { newDistributions: [{ brokerageAccountId: 'NC95156', amountCents: 1234, accountId: 'A1234567890' }] },
});
keep('norcapCreate', created);
const id: string = created.data?.distributions[0]?.id ?? 'none';
keep('norcapList', await norcap.GET('/v3/custody/distributions', {
  params: { query: { 'filter[status]': ['pending'], 'filter[brokerageAccountId]': ['NC95156'], sort: 'createdAt:desc', limit: 5 } },
}));
keep('norcapGet', await norcap.GET('/v3/custody/distributions/{distributionId}', { params: { path: { distributionId: id } } }));

// Nova: a token (HTTP Basic), the reference's example create, then read it back.
const nova = createClient<NovaPaths>({ baseUrl });
const token = await nova.POST('/oauth/token', {
  body: { grant_type: 'client_credentials' },
  bodySerializer: (body) => new URLSearchParams(body as Record<string, string>).toString(),
  headers: { Authorization: 'Basic ' + Buffer.from('sandbox_client:sandbox_secret').toString('base64'), 'Content-Type': 'application/x-www-form-urlencoded' },
});
keep('novaToken', token);
const auth = { Authorization: 'Bearer ' + (token.data?.access_token ?? '') };
const distributions = await nova.POST('/v1/distributions', {
  params: { header: { 'X-Organization-Id': 'org_Xk7d2pQR9m3nBwYz', 'Idempotency-Key': 'april-20-xyz' } },
  headers: auth,
  body: [{
    name: 'April 20th Distribution from XYZ Sale',
    distribution_date: '2024-04-20T00:00:00Z',
    vehicle: 'veh_pNvehE6O1KjY2W6Omq9MD3QAEs5w',
    payments: [{ amount: 1000, currency: 'USD', entity: 'ent_H0hdMOc5E5QMTEcGVZKegvLNCB6p',
                 notifications: [{ contact: 'cnt_tSfCZrNE8O3c4QATSkzuCljMZ2DI' }],
                 distribution_date_override: '2024-04-20T00:00:00Z' }],
    external_reference: 'distribution-123',
  }],
});
keep('novaCreate', distributions);
const dst: string = distributions.data?.data[0]?.id ?? 'none';
const dpmt: string = distributions.data?.data[0]?.payments.data[0]?.id ?? 'none';
keep('novaList', await nova.GET('/v1/distributions', { params: { query: { limit: 10 } }, headers: auth }));
keep('novaGet', await nova.GET('/v1/distributions/{distribution_id}', { params: { path: { distribution_id: dst } }, headers: auth }));
keep('novaPayments', await nova.GET('/v1/distributions/{distribution_id}/payments', { params: { path: { distribution_id: dst } }, headers: auth }));
keep('novaNotifications', await nova.GET('/v1/distribution_payments/{payment_id}/notifications', { params: { path: { payment_id: dpmt } }, headers: auth }));
keep('novaEntities', await nova.POST('/v1/entities', { headers: auth, body: [{ name: 'Acme Family Office LLC', type: 'llc', external_reference: 'investor-042' }] }));
keep('novaContacts', await nova.POST('/v1/contacts', { headers: auth, body: [{ name: 'Ada Lovelace', email: 'ada@example.com' }] }));
keep('novaVehicles', await nova.GET('/v1/vehicles', { headers: auth }));
console.log(JSON.stringify(results));
`;

const TSCONFIG = {
  compilerOptions: { strict: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', types: ['node'], skipLibCheck: true, outDir: 'out', noUncheckedIndexedAccess: true },
  files: ['client.ts'],
};

let sb: Sandbox;
let baseUrl: string;
let work: string;
beforeAll(async () => {
  sb = await createSandbox({ seed: 1, frozenAt: new Date('2024-04-20T12:00:00Z') });
  baseUrl = await sb.start(0);
  work = mkdtempSync(join(tmpdir(), 'typed-clients-'));
  // The program resolves openapi-fetch and @types/node from the project's own install.
  symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'), 'dir');
});
afterAll(async () => {
  await sb.stop();
  rmSync(work, { recursive: true, force: true });
});

type Results = Record<string, { status: number; body: Record<string, unknown> & { data: Record<string, unknown>[] } }>;

describe('typed clients generated from the served specs', () => {
  test("openapi-typescript + openapi-fetch: the README's calls type-check and answer as documented", async () => {
    for (const api of ['norcap', 'nova']) {
      const served = await fetch(`${baseUrl}/openapi/${api}.json`);
      expect(served.status).toBe(200);
      writeFileSync(join(work, `${api}.ts`), astToString(await openapiTS((await served.json()) as Parameters<typeof openapiTS>[0])));
    }
    writeFileSync(join(work, 'package.json'), JSON.stringify({ type: 'module' }));
    writeFileSync(join(work, 'tsconfig.json'), JSON.stringify(TSCONFIG));
    writeFileSync(join(work, 'client.ts'), PROGRAM);

    // Type-checked and emitted in one tsc run (any type error fails it), then run: the very
    // calls that type-checked.
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    await expect(run(process.execPath, [tsc, '-p', work])).resolves.toMatchObject({ stdout: '', stderr: '' });
    const { stdout } = await run(process.execPath, [join(work, 'out/client.js'), baseUrl]);
    const r = JSON.parse(stdout) as Results;

    expect(Object.fromEntries(Object.entries(r).map(([name, { status }]) => [name, status]))).toEqual({
      norcapCreate: 200, norcapList: 200, norcapGet: 200,
      novaToken: 200, novaCreate: 201, novaList: 200, novaGet: 200, novaPayments: 200, novaNotifications: 200,
      novaEntities: 201, novaContacts: 201, novaVehicles: 200,
    });
    const norcapCreated = (r.norcapCreate?.body.distributions as Record<string, unknown>[])[0];
    expect(norcapCreated).toMatchObject({ brokerageAccountId: 'NC95156', amountCents: 1234, accountId: 'A1234567890', status: 'pending' });
    expect(r.norcapList?.body).toMatchObject({ statusCode: '101', custody_distributions: [norcapCreated], pagination: { totalRecords: 1, startIndex: 0, endIndex: 1 } });
    expect(r.norcapGet?.body).toEqual({ statusCode: '101', statusDesc: 'Ok', distribution: norcapCreated });

    expect(r.novaToken?.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    const novaCreated = r.novaCreate?.body.data[0];
    expect(novaCreated).toMatchObject({ object: 'distribution', status: 'draft', name: 'April 20th Distribution from XYZ Sale', external_reference: 'distribution-123' });
    expect(r.novaList?.body.data).toEqual([novaCreated]);
    expect(r.novaGet?.body).toEqual(novaCreated);
    expect(r.novaPayments?.body.data).toMatchObject([{ amount: 1000, currency: 'USD', entity: 'ent_H0hdMOc5E5QMTEcGVZKegvLNCB6p' }]);
    expect(r.novaNotifications?.body.data).toMatchObject([{ contact: 'cnt_tSfCZrNE8O3c4QATSkzuCljMZ2DI' }]);
    expect(r.novaEntities?.body.data).toMatchObject([{ name: 'Acme Family Office LLC', type: 'llc' }]);
    expect(r.novaContacts?.body.data).toMatchObject([{ name: 'Ada Lovelace', email: 'ada@example.com' }]);
    expect(r.novaVehicles?.body.data).toContainEqual(expect.objectContaining({ id: 'veh_pNvehE6O1KjY2W6Omq9MD3QAEs5w' }));
    // What the clients created is in the sandbox's state.
    expect([await sb.store.count('norcapDistributions'), await sb.store.count('novaDistributions')]).toEqual([1, 1]);
  });
});
