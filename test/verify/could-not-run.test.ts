import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createSandbox, type Sandbox } from '../../src/sandbox.js';
import { verify } from '../../src/verify/runner.js';

// Exit 2, with the reason, whenever the run could not happen: never 0.
describe('verify exits 2 when it could not run', () => {
  let target: Sandbox;
  let url: string;
  const dir = mkdtempSync(join(tmpdir(), 'verify-'));
  beforeAll(async () => {
    target = await createSandbox({ seed: 3 });
    url = await target.start(0);
  });
  afterAll(() => target.stop());

  test('Nova authentication refused at the token endpoint', async () => {
    const report = await verify({ api: 'nova', target: url, env: {}, profile: { credentials: { clientId: 'sandbox_client', clientSecret: 'not-the-secret' }, roles: { organization: 'org_Xk7d2pQR9m3nBwYz', vehicle: 'veh_pNvehE6O1KjY2W6Omq9MD3QAEs5w', entity: 'ent_H0hdMOc5E5QMTEcGVZKegvLNCB6p', contact: 'cnt_tSfCZrNE8O3c4QATSkzuCljMZ2DI' } } });
    expect(report.exitCode).toBe(2);
    expect(report.reason).toMatch(/^authentication refused by .*: the token request answered 401/);
    expect(JSON.stringify(report)).not.toContain('not-the-secret');
    expect(report.summary.ran).toBe(0);
  });

  test('NorCap authentication refused', async () => {
    const report = await verify({ api: 'norcap', target: url, env: { NORCAP_CLIENT_ID: 'sandbox', NORCAP_API_KEY: 'wrong-api-key' }, profile: { roles: { brokerageAccount: 'NC95156', linkedAccount: 'A1234567890', unlinkedAccount: 'A1234567891' } } });
    expect(report.exitCode).toBe(2);
    expect(report.reason).toBe('authentication refused by the target (401): check the credentials');
    expect(JSON.stringify(report)).not.toContain('wrong-api-key');
  });

  test('an unreachable target', async () => {
    // A port that was just free: listen on 0, then close, so nothing answers there.
    const server = await new Promise<Server>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => resolve(s));
    });
    const port = (server.address() as AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    const report = await verify({ api: 'norcap', target: `http://127.0.0.1:${port}` });
    expect(report.exitCode).toBe(2);
    expect(report.reason).toBe(`http://127.0.0.1:${port} cannot be reached: ECONNREFUSED`);
  });

  test('a profile without a role a case needs', async () => {
    const file = join(dir, 'profile.yaml');
    await target.reset(); // an empty journal: this run must send nothing
    writeFileSync(file, 'roles:\n  organization: org_Xk7d2pQR9m3nBwYz\ncredentials:\n  clientId: sandbox_client\n  clientSecret: sandbox_secret\n');
    const report = await verify({ api: 'nova', target: url, profile: file, env: {} });
    expect(report.exitCode).toBe(2);
    expect(report.reason).toBe('the profile names no entity, contact, vehicle: needed by getEntity.fixture, getContact.fixture, getVehicle.fixture');
    expect(target.journal.list().entries).toEqual([]); // nothing sent
  });

  test('a profile that breaks its schema', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ roles: { vehicel: 'veh_x' } }));
    const report = await verify({ api: 'nova', target: url, profile: file });
    expect(report.exitCode).toBe(2);
    expect(report.reason).toBe(`profile ${file}: /roles must NOT have additional properties`);
  });

  test('a filter that selects nothing, or only cases that may not run', async () => {
    const unknown = await verify({ api: 'nova', target: url, only: ['getWidget'] });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.reason).toMatch(/^--only names no operation of openapi\/nova.yaml: getWidget \(operations: issueToken, /);
    const writesOnly = await verify({ api: 'nova', target: url, only: ['createContacts'] });
    expect(writesOnly.exitCode).toBe(2);
    expect(writesOnly.reason).toBe('no case to run: every selected case needs --allow-writes or --include-auth-failures');
  });
});
