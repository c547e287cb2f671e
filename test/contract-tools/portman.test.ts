import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { startChild, type ChildServer } from '../platform/child-server.js';

// Contract tests a third party generates from the specs: Portman turns each document and its
// committed config (test/contract-tools/portman-<api>.yaml) into a Postman collection with
// tests for every operation (documented status, content type, JSON body, response schema,
// documented headers, plus the config's content checks); newman runs it against the built CLI
// on its fixtures. Both are pinned devDependencies and run offline.

// Two child tools and a server on a shared 2-core machine: a guard against a hang, not a wait.
jest.setTimeout(120_000);

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PORTMAN = join(ROOT, 'node_modules/@apideck/portman/bin/portman');
const NEWMAN = join(ROOT, 'node_modules/newman/bin/newman.js');

interface NewmanReport {
  run: {
    stats: { requests: { total: number; failed: number }; assertions: { total: number; failed: number } };
    executions: { item: { name: string }; response?: { code: number }; assertions?: { assertion: string; error?: { message: string } }[] }[];
  };
}

/** Every documented operation, `METHOD path`, from the spec itself. */
function operations(api: string): string[] {
  const spec = parse(readFileSync(join(ROOT, `openapi/${api}.yaml`), 'utf8')) as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(spec.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`));
}

let server: ChildServer;
let work: string;
beforeAll(async () => {
  server = await startChild(['--quiet', '--seed', '1']);
  work = mkdtempSync(join(tmpdir(), 'portman-'));
});
afterAll(async () => {
  server.child.kill('SIGTERM');
  await server.exited;
  rmSync(work, { recursive: true, force: true });
});

describe('Portman + newman contract tests generated from the specs', () => {
  test.each([
    ['norcap', 20],
    ['nova', 74],
  ])('%s: every generated test passes, on every documented operation', async (api, assertionCount) => {
    const collection = join(work, `${api}.postman.json`);
    const report = join(work, `${api}.newman.json`);
    // Portman keeps its working files under ./tmp: cwd is the scratch folder, not the checkout.
    await run(process.execPath, [PORTMAN, '--local', join(ROOT, `openapi/${api}.yaml`), '--portmanConfigFile', join(ROOT, `test/contract-tools/portman-${api}.yaml`), '--output', collection, '--syncPostman', 'false'], { cwd: work });
    const newman = await run(process.execPath, [NEWMAN, 'run', collection, '--env-var', `baseUrl=${server.url}`, '--reporters', 'json', '--reporter-json-export', report], { cwd: work }).catch((error: { stdout?: string }) => error);
    const result = (JSON.parse(readFileSync(report, 'utf8')) as NewmanReport).run;

    const failures = result.executions.flatMap((e) => (e.assertions ?? []).filter((a) => a.error).map((a) => `${e.item.name} (${e.response?.code}): ${a.assertion}: ${a.error?.message}`));
    expect(failures).toEqual([]);
    expect(newman).not.toBeInstanceOf(Error);
    // Nothing silently skipped: one request per documented operation, each with its tests.
    expect(result.stats.requests).toMatchObject({ total: operations(api).length, failed: 0 });
    expect(result.stats.assertions).toMatchObject({ total: assertionCount, failed: 0 });
    expect(result.executions.every((e) => (e.assertions ?? []).length >= 4)).toBe(true);
  });
});
