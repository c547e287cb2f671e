import { readFileSync, type Stats } from 'node:fs';
import { access, constants, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option, type OutputConfiguration } from 'commander';
import { packagePath } from './core/paths.js';
import type { SandboxOptions } from './sandbox.js';
import { DEFAULT_SERVER_TIMEOUTS } from './server-timeouts.js';

export interface CliOptions extends SandboxOptions {
  port: number;
  host: string;
  strict: boolean;
  quiet: boolean;
  autoAdvance: boolean;
  cors: boolean;
  repairData: boolean;
  console: boolean;
}

function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}`);
    return n;
  };
}

/** Seconds, or a number with a unit: `90s`, `30m`, `12h`, `7d`. */
function duration(name: string) {
  const units: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
  return (value: string): number => {
    const match = /^(\d+)([smhd]?)$/.exec(value.trim());
    const seconds = match ? Number(match[1]) * (units[match[2] || 's'] as number) : NaN;
    if (!Number.isSafeInteger(seconds) || seconds < 60 || seconds > 3650 * 86400) throw new InvalidArgumentError(`${name} must be a duration from 60s to 3650d: seconds, or a number with s, m, h or d (e.g. 7d)`);
    return seconds;
  };
}

/** Milliseconds, or a number with a unit: `500ms`, `10s`, `2m`; `0` where `zero` allows it. */
function milliseconds(name: string, zero = false) {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };
  return (value: string): number => {
    const match = /^(\d+)(ms|s|m)?$/.exec(value.trim());
    const ms = match ? Number(match[1]) * (units[match[2] ?? 'ms'] as number) : NaN;
    if (!Number.isSafeInteger(ms) || (ms === 0 ? !zero : ms < 100 || ms > 3_600_000)) {
      throw new InvalidArgumentError(`${name} must be ${zero ? '0 (no limit) or ' : ''}a duration from 100ms to 60m: milliseconds, or a number with ms, s or m (e.g. 10s)`);
    }
    return ms;
  };
}

function instant(value: string): Date {
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(value) || Number.isNaN(date.getTime())) {
    throw new InvalidArgumentError('expected an ISO 8601 instant, e.g. 2024-04-20T12:00:00Z');
  }
  return date;
}

function hostNames(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((name) => name.trim()).filter((name) => name !== '')];
}

/** Boolean flags whose environment twin is read as a word, not just "is it set". */
const BOOLEAN_FLAGS = [
  { key: 'strict', env: 'SANDBOX_STRICT' },
  { key: 'quiet', env: 'SANDBOX_QUIET' },
  { key: 'autoAdvance', env: 'SANDBOX_AUTO_ADVANCE' },
  { key: 'cors', env: 'SANDBOX_CORS' },
  { key: 'repairData', env: 'SANDBOX_REPAIR_DATA' },
  { key: 'openSignup', env: 'SANDBOX_OPEN_SIGNUP' },
  { key: 'console', env: 'SANDBOX_CONSOLE' },
] as const;

const TRUE_WORDS = ['1', 'true', 'yes', 'on'];
const FALSE_WORDS = ['0', 'false', 'no', 'off'];

function version(): string {
  return (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;
}

/**
 * The command line: every flag has an environment twin (shown in `--help`), and a flag wins
 * over its twin. An empty variable counts as unset; boolean twins take `1/0`, `true/false`,
 * `yes/no` or `on/off`. Parsing is kept apart from `cli.ts` so it can be tested without a
 * server: errors throw commander's `CommanderError` (exit code 1; 0 for `--help`/`--version`)
 * after writing the message to `output.writeErr` (stderr by default).
 *
 * @example
 * parseCli(['node', 'cli', '--port', '5000']).port; // 5000
 * parseCli(['node', 'cli'], { SANDBOX_STRICT: 'true' }).strict; // true
 */
export function parseCli(argv: string[], env: NodeJS.ProcessEnv = process.env, output?: OutputConfiguration): CliOptions {
  const program = new Command()
    .name('fund-sandbox')
    .description('Stateful mock and contract-test server for the Nova and NorCap custody fund-distribution APIs')
    .version(version(), '-v, --version')
    .addOption(new Option('--port <port>', 'port to listen on (0 picks a free one)').env('PORT').default(4010).argParser(integer('port', 0, 65535)))
    .addOption(new Option('--host <host>', 'address to listen on (beyond loopback needs --admin-token)').env('HOST').default('127.0.0.1'))
    .addOption(new Option('--seed <seed>', 'seed for generated fixtures and ids (reproducible runs)').env('SANDBOX_SEED').argParser(integer('seed', 0, 2 ** 31 - 1)))
    .addOption(new Option('--data <file>', 'keep all state in this JSON file (and FILE.journal); a restart resumes it').env('SANDBOX_DATA'))
    .addOption(new Option('--repair-data', 'a data journal with a gap: keep what is before it (and say so on stderr) instead of refusing to start').env('SANDBOX_REPAIR_DATA'))
    .addOption(
      new Option('--database <url>', 'keep all state in PostgreSQL (postgres://user:password@host:port/db), shared by every instance given the same URL')
        .env('DATABASE_URL')
        .conflicts('data'),
    )
    .addOption(new Option('--strict', 'check every response against its spec; a drifting one answers 500 naming the violation').env('SANDBOX_STRICT'))
    .addOption(new Option('--quiet', 'no per-request JSON log lines on stdout').env('SANDBOX_QUIET'))
    .addOption(new Option('--admin-token <token>', 'bearer token the /_sandbox controls require').env('SANDBOX_ADMIN_TOKEN'))
    .addOption(new Option('--allowed-host <name>', 'a Host name the /_sandbox controls answer to besides loopback and the listen host (repeatable; the variable takes a comma-separated list)').env('SANDBOX_ALLOWED_HOSTS').argParser(hostNames))
    .addOption(new Option('--auto-advance', 'distributions progress through their statuses as the sandbox clock advances').env('SANDBOX_AUTO_ADVANCE'))
    .addOption(new Option('--coverage-out <file>', 'on shutdown, write the contract-coverage report (JSON) here and print it as a table on stdout').env('SANDBOX_COVERAGE_OUT'))
    .addOption(new Option('--no-cors', 'no CORS headers on the mocked APIs (on by default: any origin may call them from a browser)').env('SANDBOX_CORS'))
    .addOption(new Option('--no-console', 'no console page at /console (on by default: the live journal, records, clock, faults and coverage of a workspace)').env('SANDBOX_CONSOLE'))
    .addOption(new Option('--frozen-clock <iso>', 'freeze the sandbox clock at this instant (only POST /_sandbox/clock/advance moves it)').env('SANDBOX_FROZEN_AT').argParser(instant))
    .addOption(new Option('--open-signup', 'with --admin-token, let anyone create a workspace (POST /_sandbox/workspaces), rate-limited per client address').env('SANDBOX_OPEN_SIGNUP'))
    .addOption(new Option('--workspace-ttl <duration>', 'delete a workspace idle this long: seconds, or e.g. 12h, 7d (default 7d)').env('SANDBOX_WORKSPACE_TTL').argParser(duration('workspace-ttl')))
    .addOption(new Option('--max-workspaces <n>', 'at most this many workspaces at once (default 100)').env('SANDBOX_MAX_WORKSPACES').argParser(integer('max-workspaces', 0, 100000)))
    .addOption(new Option('--headers-timeout <duration>', `a client must send its request head within this, or hears 408 and is disconnected: ms, or e.g. 10s (default ${asDuration(DEFAULT_SERVER_TIMEOUTS.headersMs)})`).env('SANDBOX_HEADERS_TIMEOUT').argParser(milliseconds('headers-timeout')))
    .addOption(new Option('--request-timeout <duration>', `a client must send its whole request within this; 0 for no limit (default ${asDuration(DEFAULT_SERVER_TIMEOUTS.requestMs)})`).env('SANDBOX_REQUEST_TIMEOUT').argParser(milliseconds('request-timeout', true)))
    .addOption(new Option('--keep-alive-timeout <duration>', `an idle keep-alive connection is closed after this (default ${asDuration(DEFAULT_SERVER_TIMEOUTS.keepAliveMs)})`).env('SANDBOX_KEEP_ALIVE_TIMEOUT').argParser(milliseconds('keep-alive-timeout')))
    .addHelpText('after', '\nBoolean variables take 1/0, true/false, yes/no or on/off; an empty variable counts as unset.')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  if (output) program.configureOutput(output);

  // Commander reads env twins from process.env; a test passes its own env.
  const saved = process.env;
  process.env = withoutEmptyValues(env);
  try {
    program.parse(argv);
  } finally {
    process.env = saved;
  }

  const opts = program.opts<{
    port: number;
    host: string;
    seed?: number;
    data?: string;
    database?: string;
    strict?: boolean;
    quiet?: boolean;
    adminToken?: string;
    allowedHost?: string[];
    autoAdvance?: boolean;
    cors: boolean;
    console: boolean;
    repairData?: boolean;
    coverageOut?: string;
    frozenClock?: Date;
    openSignup?: boolean;
    workspaceTtl?: number;
    maxWorkspaces?: number;
    headersTimeout?: number;
    requestTimeout?: number;
    keepAliveTimeout?: number;
  }>();
  // Commander sets a boolean from its twin whenever the variable exists; read the word instead.
  // SANDBOX_CORS names the feature, not the flag: SANDBOX_CORS=false is --no-cors (and SANDBOX_CONSOLE=false --no-console).
  const flags = { strict: false, quiet: false, autoAdvance: false, cors: true, repairData: false, openSignup: false, console: true };
  for (const { key, env: name } of BOOLEAN_FLAGS) {
    if (program.getOptionValueSource(key) !== 'env') flags[key] = opts[key] === true;
    else flags[key] = booleanWord(program, name, String(env[name]));
  }
  return {
    port: opts.port,
    host: opts.host,
    seed: opts.seed,
    data: opts.data,
    ...(opts.database !== undefined && { database: opts.database }),
    adminToken: opts.adminToken,
    allowedHosts: opts.allowedHost ?? [],
    coverageOut: opts.coverageOut,
    frozenAt: opts.frozenClock,
    strict: flags.strict,
    quiet: flags.quiet,
    autoAdvance: flags.autoAdvance,
    cors: flags.cors,
    repairData: flags.repairData,
    console: flags.console,
    workspaces: { openSignup: flags.openSignup, ttlSeconds: opts.workspaceTtl, max: opts.maxWorkspaces },
    timeouts: {
      ...(opts.headersTimeout !== undefined && { headersMs: opts.headersTimeout }),
      ...(opts.requestTimeout !== undefined && { requestMs: opts.requestTimeout }),
      ...(opts.keepAliveTimeout !== undefined && { keepAliveMs: opts.keepAliveTimeout }),
    },
  };
}

function booleanWord(program: Command, name: string, value: string): boolean {
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.includes(word)) return true;
  if (FALSE_WORDS.includes(word)) return false;
  return program.error(`error: env '${name}' must be one of ${[...TRUE_WORDS, ...FALSE_WORDS].join(', ')}, got '${value}'`, { code: 'sandbox.invalidEnv' });
}

function withoutEmptyValues(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
}

/**
 * Why `file` cannot be written (or created), or `undefined` when it can: checked at start so a
 * bad `--coverage-out` is a clear message and exit 1 then, not a stack at shutdown. Nothing is
 * created or truncated by the check.
 *
 * @example
 * await unwritableReason('/no/such/dir/coverage.json'); // 'directory /no/such/dir does not exist'
 */
export async function unwritableReason(file: string): Promise<string | undefined> {
  const path = resolve(file);
  const existing = await statOf(path);
  if ('stats' in existing) {
    if (existing.stats.isDirectory()) return 'is a directory';
    return access(path, constants.W_OK).then(() => undefined, () => 'is not writable');
  }
  if (existing.code === 'ENOTDIR') return `a part of ${path} is a file, not a directory`;
  if (existing.code !== 'ENOENT') return existing.message;
  const dir = dirname(path);
  const parent = await statOf(dir);
  if (!('stats' in parent)) return parent.code === 'ENOENT' ? `directory ${dir} does not exist` : parent.message;
  if (!parent.stats.isDirectory()) return `${dir} is not a directory`;
  return access(dir, constants.W_OK | constants.X_OK).then(() => undefined, () => `directory ${dir} is not writable`);
}

async function statOf(path: string): Promise<{ stats: Stats } | { code: string | undefined; message: string }> {
  try {
    return { stats: await stat(path) };
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    return { code, message };
  }
}

/**
 * A duration in ms as the flags take it, in whole seconds where it is (the help's defaults,
 * read from `DEFAULT_SERVER_TIMEOUTS` rather than restated).
 *
 * @example
 * asDuration(10_000); // '10s'
 */
export function asDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
