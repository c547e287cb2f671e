import { describe, expect, jest, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { ensureBuilt } from './child-server.js';

// Type-checking against the built declarations and running a child process take a few seconds.
jest.setTimeout(60_000);

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PACKAGE = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string }).name;

/** The ```ts blocks of one `## ` section of the README, as written. */
function tsBlocks(section: string): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n## ${section}\n`);
  if (start === -1) throw new Error(`README has no "## ${section}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  const body = readme.slice(start, end === -1 ? undefined : end);
  return [...body.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] as string);
}

/** An example that uses `createSandbox` without importing it gets the import it implies. */
function withImport(code: string): string {
  return code.includes(`from '${PACKAGE}'`) ? code : `import { createSandbox } from '${PACKAGE}';\n${code}`;
}

/** Type-checks the examples as a consumer would: strict, ESM, the package resolved to its built declarations. */
function typeErrors(files: string[]): string[] {
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2023.d.ts'],
    types: ['node'],
    typeRoots: [join(ROOT, 'node_modules/@types')],
    skipLibCheck: true,
    paths: { [PACKAGE]: [join(ROOT, 'dist/index.d.ts')] },
  });
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

/** Runs an example in a plain node process from the package root (so its name resolves through "exports"). */
async function run(code: string): Promise<{ stdout: string; stderr: string }> {
  const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  return promisify(execFile)(process.execPath, ['--input-type=module', '-e', js], { cwd: ROOT });
}

describe('the README examples compile and run as written', () => {
  const library = tsBlocks('Library use');
  const controls = tsBlocks('Sandbox controls');

  test('the README has the examples this test checks', () => {
    expect(library).toHaveLength(1);
    expect(controls).toHaveLength(1);
    expect(library[0]).toContain(`import { createSandbox, createLogger } from '${PACKAGE}';`);
  });

  test('they type-check against the published declarations (strict)', async () => {
    ensureBuilt();
    const dir = await mkdtemp(join(tmpdir(), 'readme-examples-'));
    try {
      const files = [...library, ...controls].map((code, i) => join(dir, `example-${i}.mts`));
      await Promise.all(files.map((file, i) => writeFile(file, withImport([...library, ...controls][i] as string))));
      expect(typeErrors(files)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('"Library use" runs: start on a free port, advance, reset, stop', async () => {
    ensureBuilt();
    const { stderr } = await run(withImport(library[0] as string));
    expect(stderr).toBe('');
  });

  test('"Sandbox controls" in-process example runs and prints the coverage table', async () => {
    ensureBuilt();
    const { stdout, stderr } = await run(withImport(controls[0] as string));
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^Contract coverage since /);
    expect(stdout).toContain('nova createDistributions (POST /v1/distributions): never called');
  });
});
