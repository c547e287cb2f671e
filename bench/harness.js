// The pieces `bench/run.js` and `bench/profile.js` share: starting the built server (or the bare
// app) as a child process on port 0, the load generator (autocannon), the request bodies, the
// credentials and seeding records through the API.
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';

const { fetch } = globalThis;

export const ROOT = new URL('..', import.meta.url).pathname;
export const CLI = new URL('../dist/cli.js', import.meta.url).pathname;
export const BARE = new URL('bare.js', import.meta.url).pathname;

export const config = {
  seconds: Number(process.env.BENCH_SECONDS ?? 10),
  warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? 2),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 10),
  runs: Number(process.env.BENCH_RUNS ?? 1),
  longSeconds: Number(process.env.BENCH_LONG_SECONDS ?? 30),
  listSmall: Number(process.env.BENCH_LIST_SMALL ?? 1_000),
  listLarge: Number(process.env.BENCH_LIST_LARGE ?? 100_000),
  persistedRecords: Number(process.env.BENCH_PERSISTED_RECORDS ?? 10_000),
  startSamples: Number(process.env.BENCH_START_SAMPLES ?? 5),
  seedBudgetSeconds: Number(process.env.BENCH_SEED_BUDGET_SECONDS ?? 90),
  modes: (process.env.BENCH_MODES ?? 'log,quiet').split(',').map((m) => m.trim()).filter(Boolean),
  consoles: Number(process.env.BENCH_CONSOLES ?? 20),
  consoleRounds: Number(process.env.BENCH_CONSOLE_ROUNDS ?? 3),
  only: process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((s) => s.trim())) : undefined,
};

// ---- requests -------------------------------------------------------------------------------

export const NORCAP_AUTH = 'Bearer sandbox:sandbox_api_key';
export const NORCAP_PATH = '/v3/custody/distributions';
/** Seed example 1. */
export const NORCAP_ITEM = { brokerageAccountId: 'NC95156', amountCents: 1234, accountId: 'A1234567890' };
export const NORCAP_BODY = JSON.stringify({ newDistributions: [NORCAP_ITEM] });
/** `maxItems` of `newDistributions` in openapi/norcap.yaml. */
export const NORCAP_BATCH = 500;

export const NOVA_ORG = 'org_Xk7d2pQR9m3nBwYz';
export const NOVA_PATH = '/v1/distributions';
/** The reference's example request, as in the README. */
export const NOVA_ITEM = {
  name: 'April 20th Distribution from XYZ Sale',
  distribution_date: '2024-04-20T00:00:00Z',
  vehicle: 'veh_pNvehE6O1KjY2W6Omq9MD3QAEs5w',
  payments: [
    {
      amount: 1000,
      currency: 'USD',
      entity: 'ent_H0hdMOc5E5QMTEcGVZKegvLNCB6p',
      notifications: [{ contact: 'cnt_tSfCZrNE8O3c4QATSkzuCljMZ2DI' }],
      distribution_date_override: '2024-04-20T00:00:00Z',
    },
  ],
  external_reference: 'distribution-123',
};
export const NOVA_BODY = JSON.stringify([NOVA_ITEM]);
/** Nova's batch bound (README, "Batches"). */
export const NOVA_BATCH = 100;

/** A Nova access token for `sandbox_client`, with HTTP Basic as the README shows. */
export async function novaToken(url) {
  const response = await fetch(`${url}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from('sandbox_client:sandbox_secret').toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  const body = await response.json();
  if (response.status !== 200 || typeof body.access_token !== 'string') throw new Error(`token: ${response.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

export function novaHeaders(token) {
  return { authorization: `Bearer ${token}`, 'x-organization-id': NOVA_ORG, 'content-type': 'application/json' };
}

/** Sends one request and returns its JSON body; throws on an answer that is not 2xx. */
export async function call(url, path, { method = 'POST', headers, body } = {}) {
  const response = await fetch(`${url}${path}`, { method, headers, body });
  const text = await response.text();
  if (response.status < 200 || response.status > 299) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

// ---- processes ------------------------------------------------------------------------------

/**
 * Every server still running: killed if the bench itself ends on an error, so none is left
 * orphaned (an orphaned server whose stdout reader is gone was seen to ignore SIGTERM).
 */
const children = new Set();

/**
 * The servers' environment: ours without DATABASE_URL, which the CLI would read as
 * `--database` and so run every embedded scenario on PostgreSQL; (h) passes `--database` itself.
 */
const SERVER_ENV = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'DATABASE_URL'));
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/**
 * Starts `node <script> ...args` and resolves once its first stdout line names its URL. The
 * rest of stdout (the request log) is read and dropped, as a terminal or a log collector would
 * take it; stderr goes to ours. `startedAt`/`readyAt` are `performance.now()` instants.
 */
export async function startProcess(script, args = [], { nodeArgs = [], env = SERVER_ENV } = {}) {
  const startedAt = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env, cwd: ROOT });
  children.add(child);
  const exited = once(child, 'exit');
  void exited.then(() => children.delete(child));
  const lines = createInterface({ input: child.stdout });
  const first = await Promise.race([
    once(lines, 'line').then(([line]) => line),
    exited.then(([code, signal]) => {
      throw new Error(`${script} ${args.join(' ')} exited (${code ?? signal}) before printing its URL`);
    }),
  ]);
  const readyAt = performance.now();
  lines.close();
  child.stdout.resume(); // drain the request log
  const url = /(http:\/\/[^\s"]+)/.exec(first)?.[1];
  if (!url) {
    child.kill('SIGKILL');
    throw new Error(`no URL in the first line of ${script}: ${first}`);
  }
  return {
    url,
    child,
    startedAt,
    readyAt,
    stop: () => stopChild(child, exited),
  };
}

/** SIGTERM to a child started here, SIGKILL if it has not exited 10 s later; resolves once it has (`exited`: its `once(child, 'exit')`). */
export async function stopChild(child, exited) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** The built server as shipped, log on (`mode: 'log'`) or `--quiet`. */
export function startServer(mode, extraArgs = [], options = {}) {
  return startProcess(CLI, ['--port', '0', ...(mode === 'quiet' ? ['--quiet'] : []), ...extraArgs], options);
}

export function startBare(options = {}) {
  return startProcess(BARE, ['--port', '0'], options);
}

/** Whether the built CLI lists `flag` in its `--help`. */
export async function cliSupports(flag) {
  const child = spawn(process.execPath, [CLI, '--help'], { stdio: ['ignore', 'pipe', 'ignore'], cwd: ROOT });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  await once(child, 'exit');
  return new RegExp(`(^|\\s)${flag}(\\s|$|=|<)`, 'm').test(out);
}

// ---- load -----------------------------------------------------------------------------------

/**
 * One autocannon run. `request`: { method, path, headers, body, uniqueHeader } where
 * `uniqueHeader` names a header given a fresh uuid on every request (autocannon's
 * `setupRequest`). Resolves with the figures we keep, plus `perSecond` (responses each second).
 */
export function load(url, request, seconds, { connections = config.connections } = {}) {
  const { method = 'GET', path, headers = {}, body, uniqueHeader } = request;
  const req = { method, path, headers, body };
  if (uniqueHeader) req.setupRequest = (r) => ({ ...r, headers: { ...r.headers, [uniqueHeader]: randomUUID() } });
  return new Promise((resolve, reject) => {
    const perSecond = [];
    // timeout 30 s: a slow list (seconds per request) is a figure to report, not a failed run.
    const instance = autocannon({ url, connections, duration: seconds, timeout: 30, requests: [req] }, (error, result) => {
      if (error) return reject(error);
      resolve({
        rps: result.requests.average,
        requests: result.requests.total,
        mean: result.latency.average,
        p50: result.latency.p50,
        p99: result.latency.p99,
        errors: result.errors,
        timeouts: result.timeouts,
        non2xx: result.non2xx,
        perSecond,
      });
    });
    instance.on('tick', ({ counter }) => perSecond.push(counter));
  });
}

/** Warm-up, then the measured run; throws if any answer was not 2xx. */
export async function measure(url, request, { seconds = config.seconds, warmupSeconds = config.warmupSeconds, warmupRequest = request } = {}) {
  if (warmupSeconds > 0) await load(url, warmupRequest, warmupSeconds);
  const result = await load(url, request, seconds);
  if (result.errors || result.non2xx || result.timeouts) {
    throw new Error(`${request.method ?? 'GET'} ${request.path}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx answers`);
  }
  return result;
}

// ---- seeding --------------------------------------------------------------------------------

/**
 * Creates records through the API until `target` are stored (counting `have`), `batchSize` a
 * request, `parallel` requests in flight, giving up at `deadline` (performance.now()).
 * Resolves with how many are stored.
 */
async function seed({ have, target, batchSize, parallel = 2, deadline, send }) {
  let next = have;
  let stored = have;
  const worker = async () => {
    while (next < target && performance.now() < deadline) {
      const n = Math.min(batchSize, target - next);
      next += n;
      await send(n);
      stored += n;
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return stored;
}

export function seedNorcap(url, have, target, deadline) {
  return seed({
    have,
    target,
    batchSize: NORCAP_BATCH,
    deadline,
    send: (n) => call(url, NORCAP_PATH, { headers: { authorization: NORCAP_AUTH, 'content-type': 'application/json' }, body: JSON.stringify({ newDistributions: Array(n).fill(NORCAP_ITEM) }) }),
  });
}

export function seedNova(url, token, have, target, deadline) {
  return seed({
    have,
    target,
    batchSize: NOVA_BATCH,
    deadline,
    send: (n) => call(url, NOVA_PATH, { headers: novaHeaders(token), body: JSON.stringify(Array(n).fill(NOVA_ITEM)) }),
  });
}

export { sleep };
