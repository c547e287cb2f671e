import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CURL_TRACE, readmeShBlock } from '../support/readme.js';
import { startChild, type ChildServer } from '../platform/child-server.js';

// The README's NorCap "Try it", run as written (bash and curl) against the built server: the
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

describe('README: NorCap try it', () => {
  test('every command works when pasted: create, list, read back by the captured id', async () => {
    const script = readmeShBlock('## NorCap custody API');
    expect(script).toMatch(/^C=http:\/\/127\.0\.0\.1:4010$/m);
    const run = CURL_TRACE + script.replace(/^C=http:\/\/127\.0\.0\.1:4010$/m, `C=${server.url}`);

    const { stdout, stderr } = await promisify(execFile)('bash', ['-e', '-o', 'pipefail', '-c', run]);

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
