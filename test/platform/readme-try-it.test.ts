import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CURL_TRACE, readmeShBlock } from '../support/readme.js';
import { startChild, type ChildServer } from './child-server.js';

// The README's "Try it" blocks of both APIs, run as written (bash and curl) against the built
// server: the only change is the server's address. Spawning the process and curl take seconds.
jest.setTimeout(60_000);

let server: ChildServer;
beforeAll(async () => {
  server = await startChild(['--quiet']);
});
afterAll(async () => {
  server.child.kill('SIGTERM');
  await server.exited;
});

/** The sh block under `heading`, its `VARIABLE=http://127.0.0.1:4010` line pointed at the server, run with bash. */
async function runAsPasted(heading: string, variable: string): Promise<{ stdout: string; stderr: string }> {
  const script = readmeShBlock(heading);
  const base = new RegExp(`^${variable}=http://127\\.0\\.0\\.1:4010$`, 'm');
  expect(script).toMatch(base);
  const run = CURL_TRACE + script.replace(base, `${variable}=${server.url}`);
  return promisify(execFile)('bash', ['-e', '-o', 'pipefail', '-c', run]);
}

describe('README: NorCap try it', () => {
  test('every command works when pasted: create, list, read back by the captured id', async () => {
    const { stdout, stderr } = await runAsPasted('## NorCap custody API', 'C');

    const id = stdout.split('\n')[0] as string;
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(stderr.trim().split('\n').map((line) => line.replace(server.url, ''))).toEqual([
      '200 POST /v3/custody/distributions',
      '200 GET /v3/custody/distributions?filter[status]=pending&sort=createdAt:desc&limit=5',
      `200 GET /v3/custody/distributions/${id}`,
    ]);
    // curl prints each body without a newline: the two answers follow the id back to back.
    const [list, one] = stdout.slice(id.length + 1).replace(/\}\{/g, '}\n{').split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(list).toMatchObject({ statusCode: '101', custody_distributions: [{ id, amountCents: 1234, status: 'pending' }], pagination: { totalRecords: 1 } });
    expect(one).toMatchObject({ statusCode: '101', distribution: { id, brokerageAccountId: 'NC95156', accountId: 'A1234567890' } });
  });
});

describe('README: Nova quick start', () => {
  test('every command works as written: token, create, read back', async () => {
    const { stdout, stderr } = await runAsPasted('## Nova API', 'N');

    const calls = stderr.trim().split('\n').map((line) => line.replace(server.url, '').replace(/(dst|dpmt)_[A-Za-z0-9]+/g, '$1_…'));
    expect(calls).toEqual([
      '200 POST /oauth/token',
      '200 POST /oauth/token',
      '200 POST /oauth/token',
      '201 POST /v1/distributions',
      '200 GET /v1/distributions?limit=10',
      '200 GET /v1/distributions?limit=1',
      '200 GET /v1/distributions?limit=1',
      '200 GET /v1/distributions/dst_…',
      '200 GET /v1/distributions/dst_…/payments',
      '200 GET /v1/distribution_payments/dpmt_…/notifications',
      '201 POST /v1/entities',
      '201 POST /v1/contacts',
      '200 GET /v1/vehicles',
    ]);
    expect(stdout).toContain('"token_type":"Bearer","expires_in":3600');
    expect(stdout).toContain('"name":"April 20th Distribution from XYZ Sale"');
    expect(stdout).toContain('"object":"distribution_notification"');
    expect(stdout).toContain('"id":"veh_pNvehE6O1KjY2W6Omq9MD3QAEs5w"');
    expect(stdout).not.toContain('"error"');
  });
});
