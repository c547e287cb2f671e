import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ResponseContract } from '../../src/core/contract/responses.js';
import type { ApiName } from '../../src/core/contract/spec.js';

/**
 * Prism-style black-box harness: request/expected-response cases kept as data
 * (test/blackbox/cases/<api>.yaml) and run in order over real HTTP against the built package
 * (`dist/`, as `npm start` and library users get it), on an ephemeral port.
 */
interface Case {
  name: string;
  request: { method: string; path: string; headers?: Record<string, string>; body?: unknown; raw?: string };
  expect: { status: number; headers?: Record<string, string>; body?: unknown };
  capture?: Record<string, string>;
}

const CASES_DIR = new URL('./cases/', import.meta.url);
const DIST_ENTRY = new URL('../../dist/index.js', import.meta.url);
const PATTERNS: Record<string, RegExp> = {
  '{{uuid}}': /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  '{{timestamp}}': /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/,
  '{{iso}}': /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/,
};

function fill(text: string, vars: Record<string, string>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => vars[name] ?? whole);
}

/** Expected values with placeholders resolved into jest matchers. */
function matcher(expected: unknown, vars: Record<string, string>): unknown {
  if (typeof expected === 'string') {
    if (expected === '{{any}}') return expect.anything();
    const pattern = PATTERNS[expected];
    return pattern ? expect.stringMatching(pattern) : fill(expected, vars);
  }
  if (Array.isArray(expected)) return expected.map((e) => matcher(e, vars));
  if (expected && typeof expected === 'object') return Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, matcher(v, vars)]));
  return expected;
}

function pick(body: unknown, path: string): string {
  return String(path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown>)?.[key], body));
}

const suites = readdirSync(CASES_DIR).filter((f) => f.endsWith('.yaml'));

describe.each(suites)('black-box cases %s', (file) => {
  const api = file.replace('.yaml', '') as ApiName;
  const cases = parse(readFileSync(new URL(file, CASES_DIR), 'utf8')) as Case[];
  const vars: Record<string, string> = {};
  let base = '';
  let stop: () => Promise<void> = async () => {};

  beforeAll(async () => {
    if (!existsSync(DIST_ENTRY)) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
    const { createSandbox } = (await import(DIST_ENTRY.href)) as typeof import('../../src/index.js');
    const sandbox = await createSandbox({ seed: 7 });
    base = await sandbox.start(0);
    stop = () => sandbox.stop();
  });
  afterAll(() => stop());

  test.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const headers: Record<string, string> = { ...c.request.headers };
    let body: string | undefined = c.request.raw;
    if (c.request.body !== undefined) {
      body = JSON.stringify(c.request.body);
      headers['Content-Type'] ??= 'application/json';
    }
    const path = fill(c.request.path, vars);
    const res = await fetch(`${base}${path}`, { method: c.request.method, headers, body });
    const text = await res.text();
    const json: unknown = text ? JSON.parse(text) : undefined;

    expect(res.status).toBe(c.expect.status);
    for (const [name, value] of Object.entries(c.expect.headers ?? {})) expect(res.headers.get(name)).toBe(value);
    if (c.expect.body !== undefined) expect(json).toEqual(matcher(c.expect.body, vars));
    const check = ResponseContract.for(api).check(c.request.method, path.split('?')[0] as string, res.status, json, res.headers.get('content-type') ?? undefined);
    expect(check.problems).toEqual([]);
    for (const [name, at] of Object.entries(c.capture ?? {})) vars[name] = pick(json, at);
  });
});
