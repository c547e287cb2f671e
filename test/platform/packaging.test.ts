import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ensureBuilt } from './child-server.js';

// Child processes (node, and jest itself) on a shared 2-core machine: a guard against a hang, not a wait.
jest.setTimeout(120_000);

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { name: string; license: string; dependencies: Record<string, string> };
const run = promisify(execFile);

async function filesUnder(dir: string, ending: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.filter((entry) => entry.endsWith(ending)).map((entry) => join(dir, entry));
}

beforeAll(() => ensureBuilt());

describe('what the package ships', () => {
  test('LICENSE is the MIT license package.json names, copyright the project authors', async () => {
    expect(pkg.license).toBe('MIT');
    const license = await readFile(join(ROOT, 'LICENSE'), 'utf8');
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) the fund-distribution-sandbox authors\n/);
    expect(license).toContain('THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND');
  });

  test('every third-party module the published .d.ts files import is typed by a runtime dependency', async () => {
    const imported = new Set<string>();
    for (const file of await filesUnder(join(ROOT, 'dist'), '.d.ts')) {
      for (const [, name] of (await readFile(file, 'utf8')).matchAll(/from '((?:@[^/']+\/)?[^./'][^/']*)/g)) imported.add(name as string);
    }
    imported.delete(pkg.name);
    expect([...imported]).toContain('express');
    for (const name of imported) {
      const own = JSON.parse(await readFile(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { types?: string; typings?: string };
      const typedBy = own.types || own.typings ? name : `@types/${name}`;
      expect({ name, typedBy, dependency: typedBy in pkg.dependencies }).toEqual({ name, typedBy, dependency: true });
    }
  });

  test('source maps resolve: every dist map carries its TypeScript source inline', async () => {
    const maps = await filesUnder(join(ROOT, 'dist'), '.js.map');
    expect(maps.length).toBeGreaterThan(10);
    for (const file of maps) {
      const map = JSON.parse(await readFile(file, 'utf8')) as { sources: string[]; sourcesContent?: string[] };
      const source = join(ROOT, 'src', relative(join(ROOT, 'dist'), file).replace(/\.js\.map$/, '.ts'));
      expect(map.sourcesContent).toEqual([await readFile(source, 'utf8')]);
    }
  });
});

describe('ESM-only, loaded from CommonJS', () => {
  let consumer: string;
  beforeAll(async () => {
    // A consumer project: the built package under node_modules by its name, and CommonJS files.
    consumer = await mkdtemp(join(tmpdir(), 'sandbox-cjs-consumer-'));
    await mkdir(join(consumer, 'node_modules'));
    await symlink(ROOT, join(consumer, 'node_modules', pkg.name), 'dir');
    await writeFile(join(consumer, 'package.json'), JSON.stringify({ name: 'cjs-consumer', private: true, type: 'commonjs' }));
  });
  afterAll(async () => {
    await rm(consumer, { recursive: true, force: true });
  });

  test('a CommonJS script loads it with a dynamic import()', async () => {
    await writeFile(
      join(consumer, 'script.cjs'),
      `'use strict';
      (async () => {
        const { createSandbox } = await import('${pkg.name}');
        const sandbox = await createSandbox({ seed: 1 });
        const url = await sandbox.start(0);
        const res = await fetch(url + '/healthz');
        await sandbox.stop();
        console.log(JSON.stringify({ status: res.status, body: await res.json() }));
      })();`,
    );
    const { stdout } = await run(process.execPath, ['script.cjs'], { cwd: consumer });
    expect(JSON.parse(stdout)).toEqual({ status: 200, body: { status: 'ok' } });
  });

  test('a CommonJS jest suite loads it in an async beforeAll with import() (jest under --experimental-vm-modules)', async () => {
    await writeFile(join(consumer, 'jest.config.cjs'), `module.exports = { testEnvironment: 'node', transform: {}, testMatch: ['**/*.test.cjs'], rootDir: __dirname };`);
    await writeFile(
      join(consumer, 'sandbox.test.cjs'),
      `'use strict';
      let sandbox;
      let url;
      beforeAll(async () => {
        const { createSandbox } = await import('${pkg.name}');
        sandbox = await createSandbox({ seed: 1 });
        url = await sandbox.start(0);
      });
      afterAll(() => sandbox.stop());
      test('the NorCap fixture credential lists its distributions', async () => {
        const res = await fetch(url + '/v3/custody/distributions', { headers: { Authorization: 'Bearer sandbox:sandbox_api_key' } });
        expect(res.status).toBe(200);
        expect((await res.json()).custody_distributions).toEqual([]);
      });`,
    );
    const jest = join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
    const { stderr } = await run(process.execPath, ['--experimental-vm-modules', '--no-warnings', jest, '--config', 'jest.config.cjs', '--ci'], { cwd: consumer });
    expect(stderr).toMatch(/Tests:\s+1 passed, 1 total/);
  });
});
