import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CURL_TRACE, readmeShBlock } from '../support/readme.js';
import { startChild, type ChildServer } from '../platform/child-server.js';

// The README's Nova quick start, run as written (bash and curl) against the built server: the
// only change is the server's address. Spawning the process and curl take a couple of seconds.
jest.setTimeout(60_000);

let server: ChildServer;
beforeAll(async () => {
  server = await startChild(['--quiet']);
});
afterAll(async () => {
  server.child.kill('SIGTERM');
  await server.exited;
});

describe('README: Nova quick start', () => {
  test('every command works as written: token, create, read back', async () => {
    const script = readmeShBlock('## Nova API');
    expect(script).toMatch(/^N=http:\/\/127\.0\.0\.1:4010$/m);
    const run = CURL_TRACE + script.replace(/^N=http:\/\/127\.0\.0\.1:4010$/m, `N=${server.url}`);

    const { stdout, stderr } = await promisify(execFile)('bash', ['-e', '-o', 'pipefail', '-c', run]);

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
