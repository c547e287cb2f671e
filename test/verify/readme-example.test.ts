import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readmeShBlock } from '../support/readme.js';
import { startChild, type ChildServer } from '../platform/child-server.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

// The README's drift-check example, run as pasted against a second instance of the built CLI
// (started with another seed): the only change is the instance's address.
describe('README: the drift check example', () => {
  let server: ChildServer;
  beforeAll(async () => {
    // `npm test` builds first; a direct run on a build older than verify builds here.
    if (!existsSync(`${ROOT}dist/verify/cli.js`)) execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
    server = await startChild(['--quiet', '--seed', '2']);
  }, 120_000);
  afterAll(async () => {
    server.child.kill('SIGTERM');
    await server.exited;
  });

  test('both APIs: every case passes, 0 differences, exit 0', async () => {
    const script = readmeShBlock('## Drift check (`fund-sandbox verify`)');
    const line = /^T=http:\/\/127\.0\.0\.1:4011 .*$/m;
    expect(script).toMatch(line);
    const { stdout } = await promisify(execFile)('bash', ['-e', '-o', 'pipefail', '-c', script.replace(line, `T=${server.url}`)], { cwd: ROOT });
    const summaries = stdout.split('\n').filter((l) => / cases ran /.test(l));
    expect(summaries).toHaveLength(2);
    // The one skipped case sends wrong credentials (--include-auth-failures).
    for (const summary of summaries) expect(summary).toMatch(/^\d+ cases ran \(1 skipped\): \d+ passed, 0 failed, 0 accepted by the baseline; 0 differences$/);
    expect(stdout).toMatch(/^createDistributions\s+\d+\s+0\s+-$/m);
  }, 120_000);
});
