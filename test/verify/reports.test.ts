import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { CommanderError } from 'commander';
import { XMLParser } from 'fast-xml-parser';
import { createSandbox, type Sandbox } from '../../src/sandbox.js';
import { parseVerifyCli, runVerify } from '../../src/verify/cli.js';
import type { VerifyReport } from '../../src/verify/runner.js';
import { driftProxy, withBody } from './drift-proxy.js';

const SECRET = 'sandbox_secret';
const BASIC = Buffer.from(`sandbox_client:${SECRET}`).toString('base64');

describe('verify reports', () => {
  let upstream: Sandbox;
  let proxy: Awaited<ReturnType<typeof driftProxy>>;
  const dir = mkdtempSync(join(tmpdir(), 'verify-reports-'));
  beforeAll(async () => {
    upstream = await createSandbox({ seed: 4 });
    // One drift: an undocumented field on every vehicle read.
    proxy = await driftProxy(await upstream.start(0), (req, a) => (/^\/v1\/vehicles\/veh_/.test(req.path) ? withBody(a, { ...(a.body as object), region: 'eu' }) : undefined));
  });
  afterAll(async () => {
    await proxy.close();
    await upstream.stop();
  });

  test('JSON, JUnit and the table: every case, the difference, a curl reproduction, no secret anywhere', async () => {
    const json = join(dir, 'report.json');
    const junit = join(dir, 'report.xml');
    const profile = join(dir, 'profile.yaml');
    writeFileSync(profile, `credentials: { clientId: sandbox_client, clientSecret: ${SECRET} }\nroles: { organization: org_Xk7d2pQR9m3nBwYz, vehicle: veh_pNvehE6O1KjY2W6Omq9MD3QAEs5w, entity: ent_H0hdMOc5E5QMTEcGVZKegvLNCB6p, contact: cnt_tSfCZrNE8O3c4QATSkzuCljMZ2DI }\n`);
    let stdout = '';
    const { code } = await runVerify(parseVerifyCli(['--api', 'nova', '--target', proxy.url, '--profile', profile, '--json', json, '--junit', junit, '--include-auth-failures']), (t) => (stdout += t));
    expect(code).toBe(1);
    const written = readFileSync(json, 'utf8');
    const xml = readFileSync(junit, 'utf8');
    for (const text of [written, xml, stdout]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(BASIC);
      expect(text).not.toMatch(/Bearer (?!\*\*\*)[A-Za-z0-9_-]{8,}/); // no access token
    }
    const parsed = JSON.parse(written) as VerifyReport;
    expect(parsed.cases.flatMap((c) => c.differences)).toEqual([
      { operation: 'getVehicle', case: 'getVehicle.fixture', step: 'get', kind: 'undocumented_field', class: 'spec', pointer: '/region', target: 'eu', message: 'a field the spec does not document, only on the target' },
    ]);
    const curl = parsed.cases.find((c) => c.id === 'getVehicle.fixture')?.steps[0]?.curl;
    expect(curl).toBe(`curl -sg -X GET '${proxy.url}/v1/vehicles/veh_pNvehE6O1KjY2W6Omq9MD3QAEs5w' -H 'x-organization-id: org_Xk7d2pQR9m3nBwYz' -H 'authorization: Bearer ***'`);
    expect(stdout).toContain('spec drift  undocumented_field  getVehicle getVehicle.fixture [get] /region');
    expect(stdout).toMatch(/^getVehicle\s+1\s+1\s+undocumented_field 1$/m);

    const doc = new XMLParser({ ignoreAttributes: false }).parse(xml) as { testsuites: { testsuite: { testcase: { '@_name': string; failure?: unknown; skipped?: unknown }[] } } };
    const testcases = doc.testsuites.testsuite.testcase;
    expect(testcases).toHaveLength(parsed.cases.length);
    expect(testcases.filter((t) => t.failure !== undefined).map((t) => t['@_name'])).toEqual(['getVehicle.fixture: the profile\'s vehicle']);
    expect(testcases.filter((t) => t.skipped !== undefined)).toHaveLength(parsed.summary.skipped);
  }, 30_000);

  test('--baseline: an accepted difference passes (exit 0), an expired one fails again', async () => {
    const entry = (expires: string) => `accepted:\n  - operation: getVehicle\n    kind: undocumented_field\n    pointer: /region\n    reason: Nova added region in March; spec update pending\n    expires: '${expires}'\n`;
    const valid = join(dir, 'valid.yaml');
    const expired = join(dir, 'expired.yaml');
    writeFileSync(valid, entry('2099-01-01'));
    writeFileSync(expired, entry('2020-01-01'));
    const ok = await runVerify(parseVerifyCli(['--api', 'nova', '--target', proxy.url, '--only', 'getVehicle', '--baseline', valid]), () => undefined);
    expect(ok.code).toBe(0);
    expect(ok.report.cases.find((c) => c.id === 'getVehicle.fixture')?.status).toBe('accepted');
    expect(ok.report.cases[0]?.differences[0]?.accepted).toEqual({ reason: 'Nova added region in March; spec update pending', expires: '2099-01-01' });
    const again = await runVerify(parseVerifyCli(['--api', 'nova', '--target', proxy.url, '--only', 'getVehicle', '--baseline', expired]), () => undefined);
    expect(again.code).toBe(1);
    expect(again.report.cases[0]?.differences[0]?.expired).toEqual({ reason: 'Nova added region in March; spec update pending', expires: '2020-01-01' });
  }, 30_000);

  test('--help documents every flag; a bad or missing flag is exit 2', () => {
    let help = '';
    const output = { writeOut: (s: string) => void (help += s), writeErr: (s: string) => void (help += s) };
    expect(() => parseVerifyCli(['--help'], output)).toThrow(CommanderError);
    for (const flag of ['--api', '--target', '--mock', '--seed', '--profile', '--allow-writes', '--include-auth-failures', '--only', '--json', '--junit', '--baseline', '--run-tag', '--dry-run']) expect(help).toContain(flag);
    expect(help).toContain('Exit codes: 0 nothing differs, 1 something does, 2 it could not run');
    try {
      parseVerifyCli(['--api', 'nova'], output);
      throw new Error('parsed');
    } catch (error) {
      expect(error).toBeInstanceOf(CommanderError);
      expect((error as CommanderError).exitCode).toBe(2);
    }
  });
});
