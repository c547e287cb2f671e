import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startChild, type ChildServer } from '../platform/child-server.js';

// The README's NorCap "Try it", run as written (bash and curl) against the built server: the
// only change is the server's address. Spawning the process and curl take a couple of seconds.
jest.setTimeout(60_000);

const README = fileURLToPath(new URL('../../README.md', import.meta.url));

/** The ```sh block of the README's `## NorCap custody API` section. */
function tryIt(): string {
  const readme = readFileSync(README, 'utf8');
  const start = readme.indexOf('\n## NorCap custody API\n');
  const end = readme.indexOf('\n## ', start + 1);
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(start, end))?.[1];
  if (start === -1 || block === undefined) throw new Error('README has no sh block under "## NorCap custody API"');
  return block;
}

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
    const script = tryIt();
    expect(script).toMatch(/^C=http:\/\/127\.0\.0\.1:4010$/m);
    // Each curl also reports its status and URL on stderr, leaving stdout and `$(…)` untouched.
    const prelude = `curl() { command curl -w '%{stderr}%{http_code} %{method} %{url_effective}\\n' "$@"; }\n`;
    const run = prelude + script.replace(/^C=http:\/\/127\.0\.0\.1:4010$/m, `C=${server.url}`);

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
