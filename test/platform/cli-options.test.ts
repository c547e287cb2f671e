import { describe, expect, test } from '@jest/globals';
import { CommanderError } from 'commander';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asDuration, parseCli, unwritableReason } from '../../src/cli-options.js';
import { DEFAULT_SERVER_TIMEOUTS } from '../../src/server-timeouts.js';
import { readFileSync } from 'node:fs';

/** Parses like the CLI, with its own environment, capturing what commander would print. */
function parse(args: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const output = { writeOut: (s: string) => void out.push(s), writeErr: (s: string) => void err.push(s) };
  try {
    return { options: parseCli(['node', 'fund-sandbox', ...args], env, output), out: out.join(''), err: err.join('') };
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    return { error, out: out.join(''), err: err.join('') };
  }
}

describe('command line', () => {
  test('defaults: loopback port 4010, in memory, logging on, nothing strict', () => {
    expect(parse([]).options).toEqual({
      port: 4010,
      host: '127.0.0.1',
      seed: undefined,
      data: undefined,
      strict: false,
      quiet: false,
      adminToken: undefined,
      allowedHosts: [],
      autoAdvance: false,
      cors: true,
      console: true,
      repairData: false,
      coverageOut: undefined,
      frozenAt: undefined,
      workspaces: { openSignup: false, ttlSeconds: undefined, max: undefined },
      timeouts: {},
    });
  });

  test('connection timeouts: flags in ms or with a unit, env twins, and clear refusals', () => {
    expect(parse(['--headers-timeout', '500ms', '--request-timeout', '0', '--keep-alive-timeout', '2s']).options?.timeouts).toEqual({ headersMs: 500, requestMs: 0, keepAliveMs: 2000 });
    expect(parse([], { SANDBOX_HEADERS_TIMEOUT: '15s', SANDBOX_REQUEST_TIMEOUT: '1m', SANDBOX_KEEP_ALIVE_TIMEOUT: '750' }).options?.timeouts).toEqual({ headersMs: 15_000, requestMs: 60_000, keepAliveMs: 750 });
    expect(parse(['--headers-timeout', '2s'], { SANDBOX_HEADERS_TIMEOUT: '15s' }).options?.timeouts).toEqual({ headersMs: 2000 });
    const zero = parse(['--headers-timeout', '0']);
    expect(zero.error?.exitCode).toBe(1);
    expect(zero.err).toContain('headers-timeout must be a duration from 100ms to 60m');
    expect(parse(['--keep-alive-timeout', 'soon']).err).toContain('keep-alive-timeout must be a duration from 100ms to 60m');
    expect(parse(['--request-timeout', '-5']).err).toContain('request-timeout must be 0 (no limit) or a duration');
    expect(parse(['--help']).out).toMatch(/--headers-timeout <duration>[\s\S]*default 10s[\s\S]*SANDBOX_HEADERS_TIMEOUT/);
  });

  test('the timeout defaults the help and the README state are the ones the server uses', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const help = parse(['--help']).out.replace(/\s+/g, ' ');
    for (const [flag, ms] of [
      ['--headers-timeout', DEFAULT_SERVER_TIMEOUTS.headersMs],
      ['--request-timeout', DEFAULT_SERVER_TIMEOUTS.requestMs],
      ['--keep-alive-timeout', DEFAULT_SERVER_TIMEOUTS.keepAliveMs],
    ] as const) {
      expect(help).toMatch(new RegExp(`${flag} <duration> [^()]*\\(default ${asDuration(ms)}\\)`));
      expect(readme).toContain(`| \`${flag} <duration>\` | \`SANDBOX_${flag.slice(2).toUpperCase().replace(/-/g, '_')}\` | \`${asDuration(ms)}\` |`);
    }
    expect(parse([]).options?.timeouts).toEqual({}); // no flag: createSandbox fills in DEFAULT_SERVER_TIMEOUTS
  });

  test('every flag maps to its SandboxOptions field', () => {
    const { options } = parse([
      '--port', '0', '--host', '::1', '--seed', '7', '--data', 'state.json', '--strict', '--quiet',
      '--admin-token', 's3cret', '--auto-advance', '--coverage-out', 'coverage.json', '--frozen-clock', '2024-04-20T12:00:00Z', '--no-cors',
      '--open-signup', '--workspace-ttl', '12h', '--max-workspaces', '5', '--no-console',
      '--headers-timeout', '3s', '--request-timeout', '20s', '--keep-alive-timeout', '4000',
    ]);
    expect(options).toEqual({
      port: 0,
      host: '::1',
      seed: 7,
      data: 'state.json',
      strict: true,
      quiet: true,
      adminToken: 's3cret',
      allowedHosts: [],
      autoAdvance: true,
      cors: false,
      console: false,
      repairData: false,
      coverageOut: 'coverage.json',
      frozenAt: new Date('2024-04-20T12:00:00Z'),
      workspaces: { openSignup: true, ttlSeconds: 12 * 3600, max: 5 },
      timeouts: { headersMs: 3000, requestMs: 20_000, keepAliveMs: 4000 },
    });
  });

  test('every flag has an environment twin', () => {
    const { options } = parse([], {
      PORT: '5000',
      HOST: '0.0.0.0',
      SANDBOX_SEED: '3',
      SANDBOX_DATA: '/tmp/state.json',
      SANDBOX_STRICT: 'true',
      SANDBOX_QUIET: '1',
      SANDBOX_ADMIN_TOKEN: 'tok',
      SANDBOX_AUTO_ADVANCE: 'yes',
      SANDBOX_COVERAGE_OUT: 'cov.json',
      SANDBOX_FROZEN_AT: '2024-01-01T00:00:00+02:00',
      SANDBOX_CORS: 'false',
      SANDBOX_OPEN_SIGNUP: 'on',
      SANDBOX_WORKSPACE_TTL: '604800',
      SANDBOX_MAX_WORKSPACES: '50',
      SANDBOX_HEADERS_TIMEOUT: '5s',
      SANDBOX_REQUEST_TIMEOUT: '0',
      SANDBOX_KEEP_ALIVE_TIMEOUT: '1m',
      SANDBOX_CONSOLE: 'off',
    });
    expect(options).toEqual({
      port: 5000,
      host: '0.0.0.0',
      seed: 3,
      data: '/tmp/state.json',
      strict: true,
      quiet: true,
      adminToken: 'tok',
      allowedHosts: [],
      autoAdvance: true,
      cors: false,
      console: false,
      repairData: false,
      coverageOut: 'cov.json',
      frozenAt: new Date('2023-12-31T22:00:00Z'),
      workspaces: { openSignup: true, ttlSeconds: 604800, max: 50 },
      timeouts: { headersMs: 5000, requestMs: 0, keepAliveMs: 60_000 },
    });
  });

  test('boolean twins read the word: false/0/no/off are off; an empty variable is unset', () => {
    expect(parse([], { SANDBOX_STRICT: 'false', SANDBOX_QUIET: '0', SANDBOX_AUTO_ADVANCE: 'off' }).options).toMatchObject({ strict: false, quiet: false, autoAdvance: false });
    expect(parse([], { SANDBOX_DATA: '', PORT: '' }).options).toMatchObject({ data: undefined, port: 4010 });
  });

  test('SANDBOX_CORS names the feature: false/0/no/off is --no-cors, true/1/yes/on keeps CORS on', () => {
    for (const word of ['false', '0', 'no', 'off']) expect(parse([], { SANDBOX_CORS: word }).options?.cors).toBe(false);
    for (const word of ['true', '1', 'yes', 'on']) expect(parse([], { SANDBOX_CORS: word }).options?.cors).toBe(true);
    expect(parse(['--no-cors'], { SANDBOX_CORS: 'true' }).options?.cors).toBe(false); // the flag wins
  });

  test('--database (or DATABASE_URL) names the PostgreSQL to keep the state in; absent, the embedded store', () => {
    expect(parse(['--database', 'postgres://db/sandbox']).options?.database).toBe('postgres://db/sandbox');
    expect(parse([], { DATABASE_URL: 'postgres://db/other' }).options?.database).toBe('postgres://db/other');
    expect(parse([]).options).not.toHaveProperty('database');
  });

  test('a flag wins over its twin', () => {
    expect(parse(['--port', '1234', '--strict'], { PORT: '5000', SANDBOX_STRICT: 'false' }).options).toMatchObject({ port: 1234, strict: true });
  });

  test.each([
    [['--port', '70000'], {}, /port must be an integer from 0 to 65535/],
    [['--port', '12abc'], {}, /port must be an integer/],
    [['--seed', '-1'], {}, /seed must be an integer/],
    [['--frozen-clock', 'yesterday'], {}, /expected an ISO 8601 instant/],
    [['--bogus'], {}, /unknown option '--bogus'/],
    [[], { SANDBOX_STRICT: 'maybe' }, /env 'SANDBOX_STRICT' must be one of 1, true, yes, on, 0, false, no, off, got 'maybe'/],
    [[], { PORT: 'eighty' }, /from env 'PORT' is invalid/],
    [['--data', 'state.json', '--database', 'postgres://db/sandbox'], {}, /option '--database <url>' cannot be used with option '--data <file>'/],
    [['--data', 'state.json'], { DATABASE_URL: 'postgres://db/sandbox' }, /environment variable 'DATABASE_URL' cannot be used with option '--data <file>'/],
  ] as [string[], NodeJS.ProcessEnv, RegExp][])('%j %j is refused with exit code 1', (args, env, message) => {
    const { error, err } = parse(args, env);
    expect(error?.exitCode).toBe(1);
    expect(err).toMatch(message);
    expect(err).toMatch(/--help/);
  });

  test('--help lists every flag with its twin and exits 0', () => {
    const { error, out } = parse(['--help']);
    expect(error?.exitCode).toBe(0);
    for (const [flag, twin] of [
      ['--port', 'PORT'], ['--host', 'HOST'], ['--seed', 'SANDBOX_SEED'], ['--data', 'SANDBOX_DATA'], ['--strict', 'SANDBOX_STRICT'],
      ['--quiet', 'SANDBOX_QUIET'], ['--admin-token', 'SANDBOX_ADMIN_TOKEN'], ['--auto-advance', 'SANDBOX_AUTO_ADVANCE'],
      ['--coverage-out', 'SANDBOX_COVERAGE_OUT'], ['--frozen-clock', 'SANDBOX_FROZEN_AT'], ['--no-cors', 'SANDBOX_CORS'], ['--database', 'DATABASE_URL'],
    ]) {
      expect(out).toContain(flag as string);
      expect(out.replace(/\s+/g, ' ')).toContain(`env: ${twin}`);
    }
  });
});

describe('unwritableReason (--coverage-out is checked at start)', () => {
  test('a new file in an existing folder, or an existing file: writable; a folder that is not there, a folder, a file as folder: the reason', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sandbox-writable-'));
    try {
      await writeFile(join(dir, 'existing.json'), '{}');
      expect(await unwritableReason(join(dir, 'new.json'))).toBeUndefined();
      expect(await unwritableReason(join(dir, 'existing.json'))).toBeUndefined();
      expect(await unwritableReason(join(dir, 'nope', 'coverage.json'))).toBe(`directory ${join(dir, 'nope')} does not exist`);
      expect(await unwritableReason(dir)).toBe('is a directory');
      expect(await unwritableReason(join(dir, 'existing.json', 'coverage.json'))).toBe(`a part of ${join(dir, 'existing.json', 'coverage.json')} is a file, not a directory`);
      expect(await readdir(dir)).toEqual(['existing.json']); // nothing created
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
