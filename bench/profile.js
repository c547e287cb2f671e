// Profiles the built server under one of the benchmark's loads and summarizes where the time goes:
//   node bench/profile.js LOAD [--quiet] [--seconds N] [--stored N] [--out DIR] [--database URL]
// LOAD: norcap-create, nova-keyed-create, nova-create, nova-get, norcap-list, nova-list,
// persisted-create (NorCap create on --data), start (spawn to first 200 on /healthz).
// Runs `node --cpu-prof dist/cli.js --port 0 ...`, prepares (token, seeding `--stored` records),
// warms up, loads for `--seconds`, stops the server (SIGTERM: the profile is written as it
// exits) and prints the summary of the load's window only (bench/cpuprofile.js). The
// .cpuprofile stays in DIR (default: a temporary folder), never in the repository.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { format, summarize } from './cpuprofile.js';
import { config, load, novaToken, seedNorcap, seedNova, sleep, startServer } from './harness.js';
import { norcapCreate, norcapList, novaContext, novaCreate, novaGet, novaKeyedCreate, novaList } from './scenarios.js';

const { fetch } = globalThis;
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    quiet: { type: 'boolean', default: false },
    seconds: { type: 'string', default: String(config.seconds) },
    stored: { type: 'string' },
    out: { type: 'string' },
    top: { type: 'string', default: '25' },
    database: { type: 'string' },
  },
});
const LOADS = ['norcap-create', 'nova-keyed-create', 'nova-create', 'nova-get', 'norcap-list', 'nova-list', 'persisted-create', 'start'];
const name = positionals[0];
if (!LOADS.includes(name)) {
  console.error(`usage: node bench/profile.js ${LOADS.join('|')} [--quiet] [--seconds N] [--stored N] [--out DIR] [--database URL]`);
  process.exit(2);
}
const mode = values.quiet ? 'quiet' : 'log';
const seconds = Number(values.seconds);
const out = values.out ?? (await mkdtemp(join(tmpdir(), 'sandbox-profile-')));
const profileDir = await mkdtemp(join(out, `${name}-`));
const nodeArgs = ['--cpu-prof', '--cpu-prof-dir', profileDir];

let dataDir;
const args = [];
if (values.database) args.push('--database', values.database); // the server on PostgreSQL (a throwaway one: it writes)
if (name === 'persisted-create') {
  dataDir = await mkdtemp(join(tmpdir(), 'sandbox-profile-data-'));
  args.push('--data', join(dataDir, 'state.json'));
}

/** The request to load with, after seeding what it needs. */
async function prepare(url) {
  const deadline = performance.now() + config.seedBudgetSeconds * 1000;
  const stored = Number(values.stored ?? (name.endsWith('-list') ? config.listLarge : name === 'persisted-create' ? config.persistedRecords : 0));
  switch (name) {
    case 'norcap-create':
    case 'persisted-create':
      if (stored) console.log(`seeded ${await seedNorcap(url, 0, stored, deadline)} NorCap distributions`);
      return norcapCreate();
    case 'norcap-list':
      console.log(`seeded ${await seedNorcap(url, 0, stored, deadline)} NorCap distributions`);
      return norcapList();
    case 'nova-list': {
      const token = await novaToken(url);
      console.log(`seeded ${await seedNova(url, token, 0, stored, deadline)} Nova distributions`);
      return novaList({ token });
    }
    case 'nova-keyed-create':
      return novaKeyedCreate(await novaContext(url));
    case 'nova-create':
      return novaCreate(await novaContext(url));
    case 'nova-get':
      return novaGet(await novaContext(url));
  }
  throw new Error(name);
}

let skipMs = 0;
const server = await startServer(mode, args, { nodeArgs });
try {
  if (name === 'start') {
    for (;;) {
      const response = await fetch(`${server.url}/healthz`).catch(() => undefined);
      if (response?.status === 200) break;
      await sleep(2);
    }
    console.log(`start to first 200: ${(performance.now() - server.startedAt).toFixed(0)} ms (profiling adds to it)`);
  } else {
    const request = await prepare(server.url);
    await load(server.url, request, config.warmupSeconds);
    skipMs = performance.now() - server.startedAt;
    const result = await load(server.url, request, seconds);
    console.log(`${name} (${mode}), ${seconds} s: ${result.rps.toFixed(0)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, ${result.non2xx} non-2xx`);
  }
} finally {
  await server.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}
const [file] = (await readdir(profileDir)).filter((f) => f.endsWith('.cpuprofile'));
if (!file) throw new Error(`no .cpuprofile in ${profileDir}: did the server exit cleanly?`);
const profile = JSON.parse(await readFile(join(profileDir, file), 'utf8'));
console.log(`profile: ${join(profileDir, file)}${skipMs ? ` (summary skips the first ${skipMs.toFixed(0)} ms: start, seeding, warm-up)` : ''}\n`);
console.log(format(summarize(profile, { skipMs }), Number(values.top)));
