// `npm run bench`: NorCap creates under concurrent load with autocannon, against sandboxes on
// 127.0.0.1 (port 0) in child processes. Bounded: fixed durations, then everything stops.
//   1. hot path: the plain create, empty store, in memory;
//   2. 10k stored records, in memory vs persisted (--data), and the ratio of their latencies.
// Environment: BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 16).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const WARMUP_SECONDS = 2;
const RECORDS = 10_000;
const CREATE_PATH = '/v3/custody/distributions';
const CREATE = {
  method: 'POST',
  headers: { authorization: 'Bearer sandbox:sandbox_api_key', 'content-type': 'application/json' },
  body: JSON.stringify({ newDistributions: [{ brokerageAccountId: 'NC95156', amountCents: 1234, accountId: 'A1234567890' }] }),
};

async function startServer(args) {
  const child = spawn(process.execPath, [new URL('server.js', import.meta.url).pathname, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const [line] = await once(lines, 'line');
  const url = /listening on (http:\/\/\S+)/.exec(line)?.[1];
  if (!url) throw new Error(`unexpected first line from the bench server: ${line}`);
  return {
    url,
    line,
    async stop() {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

function load(url, seconds) {
  return autocannon({ url: `${url}${CREATE_PATH}`, connections: CONNECTIONS, duration: seconds, ...CREATE });
}

async function measure(label, args) {
  const server = await startServer(args);
  await load(server.url, WARMUP_SECONDS); // JIT, validators and sockets warm
  const result = await load(server.url, SECONDS);
  await server.stop();
  if (result.errors || result.non2xx) throw new Error(`${label}: ${result.errors} errors, ${result.non2xx} non-2xx answers`);
  const row = {
    run: label,
    'req/s': Math.round(result.requests.average),
    'mean ms': result.latency.average,
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    requests: result.requests.total,
  };
  console.log(`${label}: ${row['req/s']} req/s, mean ${row['mean ms']} ms, p50 ${row['p50 ms']} ms, p99 ${row['p99 ms']} ms (${server.line.replace(/^.*with /, '')} at start)`);
  return row;
}

const dir = await mkdtemp(join(tmpdir(), 'sandbox-bench-'));
try {
  console.log(`NorCap create, ${CONNECTIONS} connections, ${SECONDS} s each (after ${WARMUP_SECONDS} s warm-up)`);
  const hot = await measure('hot path (empty, memory)', ['--records', '0']);
  const memory = await measure(`${RECORDS} stored, memory`, ['--records', String(RECORDS)]);
  const persisted = await measure(`${RECORDS} stored, --data`, ['--records', String(RECORDS), '--data', join(dir, 'state.json')]);
  console.table([hot, memory, persisted]);
  console.log(`persisted / memory: mean ${(persisted['mean ms'] / memory['mean ms']).toFixed(2)}×, p99 ${(persisted['p99 ms'] / memory['p99 ms']).toFixed(2)}×, throughput ${(persisted['req/s'] / memory['req/s']).toFixed(2)}×`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
