// `npm run bench`: the built server as shipped (`node dist/cli.js --port 0`, a child process,
// request log on and with `--quiet`) under autocannon, beside a bare express 5 app measured in
// the same run. Writes bench/results.json and the results table in bench/README.md.
// Every knob is an environment variable: see bench/README.md ("Configuration").
import { execFileSync, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BARE, CLI, cliSupports, config, load, measure, novaToken, seedNorcap, seedNova, sleep, startBare, startServer } from './harness.js';
import { bare, norcapCreate, norcapList, novaContext, novaGet, novaKeyedCreate, novaCreate, novaList } from './scenarios.js';
import { evaluate, writeReport } from './report.js';
import { countRoundTrips } from './round-trips.js';
import { startPrism } from './prism.js';
import { withCpuSplit } from './cpu-split.js';

const { fetch } = globalThis;
const began = performance.now();
const results = {
  date: new Date().toISOString(),
  machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, platform: `${process.platform} ${process.arch}`, loadavgBefore: loadavg().map((n) => +n.toFixed(2)) },
  config: { ...config, only: config.only ? [...config.only] : null },
  runs: [],
  long: null,
  lists: {},
  persisted: {},
  start: null,
  postgres: null,
  consoles: {},
  prism: null,
  notes: [],
};

const wanted = (part) => !config.only || config.only.has(part);
const elapsed = () => `${((performance.now() - began) / 1000).toFixed(0)} s`;
const round = (n, digits = 0) => (n === null || n === undefined ? null : +n.toFixed(digits));

/** The figures kept for one measurement. */
function figures(result) {
  return { rps: round(result.rps), mean: round(result.mean, 2), p50: result.p50, p99: result.p99, requests: result.requests };
}

function log(label, result) {
  console.log(`[${elapsed()}] ${label}: ${round(result.rps)} req/s, mean ${round(result.mean, 2)} ms, p50 ${result.p50} ms, p99 ${result.p99} ms`);
}

async function measured(label, url, request, options) {
  const result = await measure(url, request, options);
  log(label, result);
  return result;
}

/** The bare app: one server, every baseline of a run. */
async function bareRun() {
  const server = await startBare();
  try {
    return {
      norcapCreate: figures(await measured('bare POST (NorCap body)', server.url, bare.norcapCreate())),
      novaCreate: figures(await measured('bare POST (Nova body)', server.url, bare.novaCreate())),
      get: figures(await measured('bare GET', server.url, bare.get())),
    };
  } finally {
    await server.stop();
  }
}

/** (a)–(d) on one server in `mode`. */
async function headline(mode) {
  const server = await startServer(mode);
  try {
    const context = await novaContext(server.url);
    return {
      norcapCreate: figures(await measured(`${mode}: (a) NorCap create`, server.url, norcapCreate())),
      novaKeyedCreate: figures(await measured(`${mode}: (b) Nova create, fresh Idempotency-Key`, server.url, novaKeyedCreate(context))),
      novaCreate: figures(await measured(`${mode}: (c) Nova create, no key`, server.url, novaCreate(context))),
      novaGet: figures(await measured(`${mode}: (d) Nova GET by id`, server.url, novaGet(context))),
    };
  } finally {
    await server.stop();
  }
}

/**
 * (b) over `longSeconds`: warmed with keyed creates, then `POST /_sandbox/reset` (it drops the
 * idempotency keys), so the key store starts empty and fills to its bound during the run.
 */
async function longKeyed(mode) {
  const server = await startServer(mode);
  try {
    await load(server.url, novaKeyedCreate(await novaContext(server.url)), config.warmupSeconds);
    const reset = await fetch(`${server.url}/_sandbox/reset`, { method: 'POST' });
    await reset.arrayBuffer();
    if (!reset.ok) throw new Error(`POST /_sandbox/reset: ${reset.status}`);
    const context = await novaContext(server.url);
    const result = await measure(server.url, novaKeyedCreate(context), { seconds: config.longSeconds, warmupSeconds: 0 });
    const seconds = result.perSecond.slice(0, config.longSeconds); // autocannon ticks once more as it stops
    const window = Math.min(5, Math.floor(seconds.length / 2));
    const avg = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const first = avg(seconds.slice(0, window));
    const last = avg(seconds.slice(-window));
    console.log(`[${elapsed()}] ${mode}: (b) Nova keyed create over ${config.longSeconds} s: first ${window} s ${round(first)} req/s, last ${window} s ${round(last)} req/s`);
    return { mode, seconds: config.longSeconds, window, first: round(first), last: round(last), ratio: round(last / first, 3), perSecond: seconds, ...figures(result) };
  } finally {
    await server.stop();
  }
}

/** (e) one server: seed to the small size, measure both lists, seed to the large size, measure again. */
async function lists(mode) {
  const server = await startServer(mode);
  try {
    const token = await novaToken(server.url);
    const context = { token };
    const out = { sizes: {} };
    let norcap = 0;
    let nova = 0;
    for (const size of [config.listSmall, config.listLarge]) {
      const t0 = performance.now();
      const deadline = t0 + config.seedBudgetSeconds * 1000;
      norcap = await seedNorcap(server.url, norcap, size, deadline);
      nova = await seedNova(server.url, token, nova, size, deadline);
      const seedSeconds = round((performance.now() - t0) / 1000, 1);
      console.log(`[${elapsed()}] ${mode}: seeded ${norcap} NorCap and ${nova} Nova distributions (${seedSeconds} s)`);
      if (norcap < size || nova < size) results.notes.push(`${mode}: seeding stopped at the ${config.seedBudgetSeconds} s budget: ${norcap} NorCap / ${nova} Nova stored instead of ${size}.`);
      out.sizes[size] = {
        stored: { norcap, nova },
        seedSeconds,
        norcapList: figures(await measured(`${mode}: (e) NorCap list limit=5, ${norcap} stored`, server.url, norcapList())),
        novaList: figures(await measured(`${mode}: (e) Nova list limit=10, ${nova} stored`, server.url, novaList(context))),
      };
    }
    return out;
  } finally {
    await server.stop();
  }
}

/** (f) NorCap create with `persistedRecords` stored: in memory, then on a data file (seeded, then restarted on it). */
async function persisted(mode, dir) {
  const out = {};
  const memory = await startServer(mode);
  try {
    const stored = await seedNorcap(memory.url, 0, config.persistedRecords, performance.now() + config.seedBudgetSeconds * 1000);
    out.memory = { stored, ...figures(await measured(`${mode}: (f) NorCap create, ${stored} stored, in memory`, memory.url, norcapCreate())) };
  } finally {
    await memory.stop();
  }
  const file = join(dir, `${mode}.json`);
  const seeding = await startServer(mode, ['--data', file]);
  let stored;
  try {
    stored = await seedNorcap(seeding.url, 0, config.persistedRecords, performance.now() + config.seedBudgetSeconds * 1000);
  } finally {
    await seeding.stop();
  }
  const server = await startServer(mode, ['--data', file]);
  try {
    out.persisted = { stored, ...figures(await measured(`${mode}: (f) NorCap create, ${stored} stored, --data`, server.url, norcapCreate())) };
  } finally {
    await server.stop();
  }
  out.ratio = round(out.persisted.rps / out.memory.rps, 3);
  return out;
}

/** Spawn to the first 200 on /healthz, in ms. */
async function startToHealthy(start) {
  const server = await start();
  try {
    for (;;) {
      try {
        const response = await fetch(`${server.url}/healthz`);
        await response.arrayBuffer();
        if (response.status === 200) return performance.now() - server.startedAt;
      } catch {
        // not accepting yet
      }
      await sleep(2);
    }
  } finally {
    await server.stop();
  }
}

const median = (xs) => {
  const sorted = [...xs].filter((x) => x !== null && x !== undefined).sort((a, b) => a - b);
  if (!sorted.length) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** (g) interleaved so that a noisy moment hits every contender alike. */
async function startup() {
  const samples = { bare: [], ...Object.fromEntries(config.modes.map((m) => [m, []])) };
  for (let i = 0; i < config.startSamples; i++) {
    samples.bare.push(round(await startToHealthy(() => startBare()), 1));
    for (const mode of config.modes) samples[mode].push(round(await startToHealthy(() => startServer(mode)), 1));
  }
  const out = { samples, median: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)])) };
  console.log(`[${elapsed()}] (g) start to first 200, median of ${config.startSamples}: ${JSON.stringify(out.median)} ms`);
  return out;
}

/**
 * A database for (h): DATABASE_URL when set, else a throwaway cluster of our own, as the tests
 * start one (`scripts/test-postgres.sh`, removed when the bench ends).
 */
async function benchDatabase() {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => {} };
  const folder = await mkdtemp(join(tmpdir(), 'sandbox-bench-pg-'));
  const script = fileURLToPath(new URL('../scripts/test-postgres.sh', import.meta.url));
  try {
    const printed = execFileSync(script, ['start', folder], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const url = /DATABASE_URL='([^']+)'/.exec(printed)?.[1];
    if (!url) throw new Error(`scripts/test-postgres.sh printed no DATABASE_URL: ${printed}`);
    console.log(`[${elapsed()}] (h) a throwaway PostgreSQL in ${folder}`);
    return { url, stop: async () => void execFileSync(script, ['stop', folder], { stdio: 'ignore' }) };
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
}

/** (h) one instance on PostgreSQL, then two on the one database (one autocannon each, at once). */
async function postgres(bareFigures) {
  let database;
  try {
    database = await benchDatabase();
  } catch (error) {
    return { skipped: `no DATABASE_URL and no throwaway PostgreSQL could be started (${error instanceof Error ? error.message.split('\n')[0] : error})` };
  }
  try {
    return await postgresOn(database.url, bareFigures);
  } finally {
    await database.stop();
  }
}

async function postgresOn(url, bareFigures) {
  const roundTrips = await countRoundTrips(url);
  console.log(`[${elapsed()}] (h) round trips: ${Object.entries(roundTrips).map(([name, { roundTrips: n }]) => `${name} ${n}`).join(', ')}`);
  if (!(await cliSupports('--database'))) return { skipped: '`node dist/cli.js --help` lists no --database option yet' };
  const mode = config.modes[0];
  const args = ['--database', url];
  const out = { mode };
  const one = await startServer(mode, args);
  try {
    const context = await novaContext(one.url);
    out.cpu = {};
    // Warmed, then measured while reading the CPU each party used (bench/cpu-split.js).
    const split = async (key, label, request) => {
      await load(one.url, request, config.warmupSeconds);
      const { result, cpu } = await withCpuSplit(one.child.pid, () => measured(`${mode}: (h) PostgreSQL ${label}`, one.url, request, { warmupSeconds: 0 }));
      out[key] = figures(result);
      out.cpu[key] = cpu;
      if (cpu) console.log(`[${elapsed()}]   CPU over the load: server ${cpu.server} s (${cpu.serverMsPerRequest} ms a request), PostgreSQL ${cpu.database} s (${cpu.databaseMsPerRequest} ms a request), bench ${cpu.bench} s`);
    };
    await split('norcapCreate', 'NorCap create', norcapCreate());
    await split('novaKeyedCreate', 'Nova keyed create', novaKeyedCreate(context));
    await split('novaGet', 'Nova GET by id', novaGet(context));
  } finally {
    await one.stop();
  }
  const [a, b] = await Promise.all([startServer(mode, args), startServer(mode, args)]);
  try {
    await Promise.all([load(a.url, norcapCreate(), config.warmupSeconds), load(b.url, norcapCreate(), config.warmupSeconds)]);
    const both = await Promise.all([load(a.url, norcapCreate(), config.seconds), load(b.url, norcapCreate(), config.seconds)]);
    for (const r of both) if (r.errors || r.non2xx || r.timeouts) throw new Error(`two instances: ${r.errors} errors, ${r.timeouts} timeouts, ${r.non2xx} non-2xx`);
    out.twoInstances = { rps: round(both[0].rps + both[1].rps), each: both.map(figures) };
    out.twoInstancesRatio = round(out.twoInstances.rps / out.norcapCreate.rps, 3);
    console.log(`[${elapsed()}] ${mode}: (h) two instances, NorCap create: ${out.twoInstances.rps} req/s summed (${out.twoInstancesRatio}× one)`);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
  out.bare = bareFigures;
  out.roundTrips = roundTrips;
  return out;
}

/**
 * Opens `n` console streams in a child process (`bench/console-readers.js`) that reads
 * everything it is sent and counts the rows. Resolves once every one has its `hello`.
 */
async function openConsoles(url, n) {
  const child = fork(fileURLToPath(new URL('./console-readers.js', import.meta.url)), [url, String(n)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = () =>
    new Promise((resolve, reject) => {
      child.once('message', (message) => (message?.error ? reject(new Error(message.error)) : resolve(message)));
      child.once('exit', (code) => reject(new Error(`console readers exited (${code})`)));
    });
  await next(); // 'ready'
  return {
    /** Each console's rows so far and whether it was dropped. */
    report: async () => {
      const answer = next();
      child.send('report');
      return (await answer).consoles;
    },
    close: () => child.connected && child.send('close'),
  };
}

/**
 * (i) NorCap create with no console connected, then with `consoles` (20) connected and
 * reading, on one server, alternated `rounds` times so that a noisy moment hits both alike; the
 * figure is the ratio of the p99 medians (and of req/s). Every console must have received every
 * row created while it was connected (none dropped as too slow).
 */
async function withConsoles(mode) {
  const server = await startServer(mode);
  const n = config.consoles;
  const none = [];
  const some = [];
  let fewest = Infinity;
  try {
    for (let i = 0; i < config.consoleRounds; i++) {
      none.push(await measured(`${mode}: (i) NorCap create, no console`, server.url, norcapCreate()));
      const open = await openConsoles(server.url, n);
      try {
        const result = await measured(`${mode}: (i) NorCap create, ${n} consoles connected`, server.url, norcapCreate());
        some.push(result);
        // The rows of the warm-up and of the measured run, all of them, reached every console.
        for (const c of await open.report()) {
          if (c.closed) throw new Error('a console was dropped during the run');
          fewest = Math.min(fewest, c.rows / result.requests);
        }
      } finally {
        open.close();
      }
    }
  } finally {
    await server.stop();
  }
  const mid = (xs, f) => median(xs.map((x) => x[f]));
  const out = {
    mode,
    consoles: n,
    rounds: config.consoleRounds,
    none: { rps: round(mid(none, 'rps')), p99: mid(none, 'p99'), mean: round(mid(none, 'mean'), 2) },
    some: { rps: round(mid(some, 'rps')), p99: mid(some, 'p99'), mean: round(mid(some, 'mean'), 2) },
    rowsPerRequestFewest: round(fewest, 3),
  };
  out.p99Ratio = round(out.some.p99 / out.none.p99, 3);
  out.rpsRatio = round(out.some.rps / out.none.rps, 3);
  console.log(`[${elapsed()}] ${mode}: (i) ${n} consoles: p99 ${out.some.p99} vs ${out.none.p99} ms (${out.p99Ratio}×), ${out.some.rps} vs ${out.none.rps} req/s; every console got ≥ ${out.rowsPerRequestFewest} rows per measured request`);
  return out;
}

/**
 * (j) NorCap create on the sandbox (log on) and on Prism 5's mock of the same document, both
 * started once and measured in turn `runs` times, so that a noisy moment hits both alike; the
 * figure is the median of the per-round ratios.
 */
async function againstPrism(mode) {
  const prism = await startPrism();
  const server = await startServer(mode);
  const rounds = [];
  try {
    for (let i = 0; i < config.runs; i++) {
      const ours = figures(await measured(`${mode}: (j) NorCap create, sandbox`, server.url, norcapCreate()));
      const theirs = figures(await measured('(j) NorCap create, Prism 5 mock', prism.url, norcapCreate()));
      rounds.push({ sandbox: ours, prism: theirs, ratio: round(ours.rps / theirs.rps, 3) });
    }
  } finally {
    await Promise.all([server.stop(), prism.stop()]);
  }
  const out = { mode, rounds, ratio: median(rounds.map((r) => r.ratio)) };
  console.log(`[${elapsed()}] ${mode}: (j) sandbox vs Prism 5, NorCap create: ${out.ratio}× (median of ${rounds.length})`);
  return out;
}

/** Runs one part; a failure (errors under load, a server that would not start) becomes a note, and the run goes on. */
async function section(label, fn) {
  try {
    return await fn();
  } catch (error) {
    const message = `${label} failed: ${error instanceof Error ? error.message : String(error)}`;
    console.error(`[${elapsed()}] ${message}`);
    results.notes.push(message);
    return null;
  }
}

const dir = await mkdtemp(join(tmpdir(), 'sandbox-bench-'));
try {
  console.log(`bench: ${results.machine.cpu}, ${results.machine.cores} cores, node ${process.version}, load average ${results.machine.loadavgBefore.join(' ')}`);
  console.log(`${config.connections} connections, ${config.seconds} s after ${config.warmupSeconds} s warm-up; server: node ${CLI.replace(/^.*\/(dist\/)/, '$1')} --port 0 [--quiet]; baseline: node ${BARE.replace(/^.*\/(bench\/)/, '$1')}`);
  if (wanted('a') || wanted('b') || wanted('c') || wanted('d') || wanted('e') || wanted('h')) {
    for (let i = 0; i < config.runs; i++) {
      const run = { bare: await bareRun(), modes: {} };
      if (['a', 'b', 'c', 'd'].some(wanted)) for (const mode of config.modes) run.modes[mode] = await section(`(a)–(d), ${mode}`, () => headline(mode));
      results.runs.push(run);
    }
  }
  if (wanted('b')) results.long = await section('(b) over time', () => longKeyed(config.modes[0]));
  if (wanted('e')) for (const mode of config.modes) results.lists[mode] = await section(`(e), ${mode}`, () => lists(mode));
  if (wanted('f')) for (const mode of config.modes) results.persisted[mode] = await section(`(f), ${mode}`, () => persisted(mode, dir));
  if (wanted('g')) results.start = await section('(g)', () => startup());
  if (wanted('h')) results.postgres = await section('(h)', () => postgres(results.runs.at(-1)?.bare));
  if (wanted('i')) for (const mode of config.modes) results.consoles[mode] = await section(`(i), ${mode}`, () => withConsoles(mode));
  if (wanted('j')) results.prism = await section('(j)', () => againstPrism(config.modes[0]));
  if (results.postgres?.skipped) console.log(`(h) PostgreSQL skipped: ${results.postgres.skipped}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
results.machine.loadavgAfter = loadavg().map((n) => +n.toFixed(2));
results.seconds = round((performance.now() - began) / 1000);
results.targets = evaluate(results);
await writeFile(new URL('results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
const table = await writeReport(results);
console.log(`\n${table}\nbench finished in ${results.seconds} s: bench/results.json and bench/README.md written`);
