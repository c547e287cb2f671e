import { describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { promisify } from 'node:util';
import { createSandbox, type Sandbox } from '../../src/index.js';
import { item, PATH, SANDBOX_AUTH } from '../norcap/helpers.js';
import { ensureBuilt, httpJson } from './child-server.js';

const root = new URL('../../', import.meta.url);

describe('library use', () => {
  test('createSandbox from the package entry: start on port 0, serve, reset, stop', async () => {
    const sandbox: Sandbox = await createSandbox({ seed: 1, frozenAt: new Date('2024-04-20T12:00:00Z') });
    const url = await sandbox.start(0);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const created = await httpJson('POST', `${url}${PATH}`, { body: item(), headers: { Authorization: SANDBOX_AUTH } });
    expect(created.status).toBe(200);
    expect(await sandbox.store.count('norcapDistributions')).toBe(1);
    sandbox.clock.advance(60);
    expect(sandbox.clock.now().toISOString()).toBe('2024-04-20T12:01:00.000Z');

    await sandbox.reset();
    expect(await sandbox.store.count('norcapDistributions')).toBe(0);
    expect(sandbox.clock.now().toISOString()).toBe('2024-04-20T12:00:00.000Z');

    await sandbox.stop();
    await expect(httpJson('GET', `${url}/healthz`, { agent: new Agent() })).rejects.toThrow(/ECONNREFUSED/); // a new connection: refused
  });

  test('the built package resolves by its name (exports, types) and runs in a plain node process', async () => {
    ensureBuilt();
    const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { name: string; types: string; exports: { '.': { types: string; default: string } } };
    expect(readFileSync(new URL(pkg.exports['.'].types, root), 'utf8')).toMatch(/export \{ createSandbox, type Sandbox, type SandboxOptions \}/);
    expect(pkg.types).toBe(pkg.exports['.'].types.replace(/^\.\//, ''));

    // A consumer's script: import by package name (self-reference resolves through "exports").
    const script = `
      import { createSandbox } from '${pkg.name}';
      const sandbox = await createSandbox({ seed: 1 });
      const url = await sandbox.start(0);
      const res = await fetch(url + '/healthz');
      await sandbox.stop();
      console.log(JSON.stringify({ status: res.status, body: await res.json() }));
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: root });
    expect(JSON.parse(stdout)).toEqual({ status: 200, body: { status: 'ok' } });
  });
});
