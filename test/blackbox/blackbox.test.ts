import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ResponseContract } from '../../src/core/contract/responses.js';
import type { ApiName } from '../../src/core/contract/spec.js';

/**
 * Placeholders in expected bodies: {{uuid}}, {{timestamp}} (YYYY-MM-DD HH:MM:SS), {{iso}}
 * (ISO 8601 UTC to the second), {{id:dst}} (a `dst_…` id), {{string}}, {{any}}, and
 * {{name}} for a value captured by an earlier case.
 *
 * Prism-style black-box harness: request/expected-response cases kept as data
 * (test/blackbox/cases/<api>.yaml) and run in order over real HTTP against the built package
 * (`dist/`, as `npm start` and library users get it), on an ephemeral port.
 */
interface Case {
  name: string;
  request: { method: string; path: string; headers?: Record<string, string>; body?: unknown; raw?: string };
  expect: { status: number; headers?: Record<string, string>; body?: unknown; partial?: boolean };
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

/** Request headers and bodies may use captured values too (a token, an id). */
function fillDeep<T>(value: T, vars: Record<string, string>): T {
  if (typeof value === 'string') return fill(value, vars) as T;
  if (Array.isArray(value)) return value.map((v) => fillDeep(v, vars)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillDeep(v, vars)])) as T;
  return value;
}

/** Expected values with placeholders resolved into jest matchers; `partial` ignores unlisted fields. */
function matcher(expected: unknown, vars: Record<string, string>, partial = false): unknown {
  if (typeof expected === 'string') {
    if (expected === '{{any}}') return expect.anything();
    const prefixed = /^\{\{id:(\w+)\}\}$/.exec(expected);
    if (prefixed) return expect.stringMatching(new RegExp(`^${prefixed[1]}_[A-Za-z0-9]+$`));
    if (expected === '{{string}}') return expect.any(String);
    const pattern = PATTERNS[expected];
    return pattern ? expect.stringMatching(pattern) : fill(expected, vars);
  }
  if (Array.isArray(expected)) return expected.map((e) => matcher(e, vars, partial));
  if (expected && typeof expected === 'object') {
    const inner = Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, matcher(v, vars, partial)]));
    return partial ? expect.objectContaining(inner) : inner;
  }
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
    const headers: Record<string, string> = fillDeep({ ...c.request.headers }, vars);
    let body: string | undefined = c.request.raw;
    if (c.request.body !== undefined) {
      body = JSON.stringify(fillDeep(c.request.body, vars));
      headers['Content-Type'] ??= 'application/json';
    }
    const path = fill(c.request.path, vars);
    const res = await fetch(`${base}${path}`, { method: c.request.method, headers, body });
    const text = await res.text();
    const json: unknown = text ? JSON.parse(text) : undefined;

    expect(res.status).toBe(c.expect.status);
    for (const [name, value] of Object.entries(c.expect.headers ?? {})) expect(res.headers.get(name)).toBe(value);
    if (c.expect.body !== undefined) expect(json).toEqual(matcher(c.expect.body, vars, c.expect.partial));
    const check = ResponseContract.for(api).check(c.request.method, path.split('?')[0] as string, res.status, json, res.headers.get('content-type') ?? undefined);
    expect(check.problems).toEqual([]);
    for (const [name, at] of Object.entries(c.capture ?? {})) vars[name] = pick(json, at);
  });
});
