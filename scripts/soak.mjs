/* global fetch, setInterval, clearInterval */
// `npm run soak`: a bounded soak of the built server (not part of `npm test`). Starts
// `node dist/cli.js --port 0 --data <tmp>` and drives it for SOAK_SECONDS (default 60) with
// SOAK_CONNECTIONS (default 100) connections of mixed NorCap and Nova traffic, about 10% of it
// invalid; samples the server's RSS from /proc/<pid>/status every SOAK_SAMPLE_SECONDS (default
// 5); then stops it (SIGTERM folds the journal into the snapshot) and reports the sizes of the
// bounded stores: Nova idempotency keys and tokens (from the data file), the request journal
// and armed faults (from the controls), and the data files, each against its bound. Exits 1
// on any 5xx, socket error or timeout, and when a bounded store is over its bound. Keyed
// creates are about a quarter of the traffic, so a default run stores well over the 10,000-key
// bound: the shipped bound itself is exercised, not a lowered one.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const CONNECTIONS = Number(process.env.SOAK_CONNECTIONS ?? 100);
const SAMPLE_SECONDS = Number(process.env.SOAK_SAMPLE_SECONDS ?? 5);

const dir = await mkdtemp(join(tmpdir(), 'sandbox-soak-'));
const file = join(dir, 'state.json');
const child = spawn(process.execPath, ['dist/cli.js', '--port', '0', '--host', '127.0.0.1', '--quiet', '--data', file], { stdio: ['ignore', 'pipe', 'inherit'] });
const [line] = await once(createInterface({ input: child.stdout }), 'line');
const url = /listening on (http:\/\/\S+)/.exec(line)?.[1];
if (!url) throw new Error(`unexpected first line: ${line}`);

async function rssKb() {
  const status = await readFile(`/proc/${child.pid}/status`, 'utf8').catch(() => '');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
}

const tokenRes = await fetch(`${url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&client_id=sandbox_client&client_secret=sandbox_secret' });
const { access_token: token } = await tokenRes.json();

const NORCAP = { authorization: 'Bearer sandbox:sandbox_api_key', 'content-type': 'application/json' };
const NORCAP_TWO = { authorization: 'Bearer sandbox_two:sandbox_two_api_key', 'content-type': 'application/json' };
const NOVA = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
let keyCounter = 0;
// Ten requests, one of them invalid (a different one each lap of the list, so ~10% invalid).
const INVALID = [
  { method: 'POST', path: '/v3/custody/distributions', headers: NORCAP, body: '{"newDistributions":[{"brokerageAccountId":"NC95156","amountCents":-1}]}' },
  { method: 'POST', path: '/v1/contacts', headers: NOVA, body: '{not json' },
  { method: 'GET', path: '/v1/entities', headers: { authorization: 'Bearer expired-or-unknown' } },
  { method: 'POST', path: '/oauth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=password' },
];
let lap = 0;
const keyedContact = {
  method: 'POST',
  path: '/v1/contacts',
  headers: NOVA,
  body: JSON.stringify([{ name: 'Soak Contact', email: 'soak@example.com' }]),
  // A fresh key for most creates, a repeated one now and then (a replay).
  setupRequest: (req) => ({ ...req, headers: { ...req.headers, 'idempotency-key': `soak-${keyCounter++ % 7 === 0 ? 'replayed' : keyCounter}` } }),
};
const requests = [
  { method: 'POST', path: '/v3/custody/distributions', headers: NORCAP, body: JSON.stringify({ newDistributions: [{ brokerageAccountId: 'NC95156', amountCents: 1234, accountId: 'A1234567890' }] }) },
  { method: 'GET', path: '/v3/custody/distributions?limit=10&sort=createdAt:desc', headers: NORCAP },
  { method: 'POST', path: '/v3/custody/distributions', headers: NORCAP_TWO, body: JSON.stringify({ newDistributions: [{ brokerageAccountId: 'NC20001', amountCents: 99, accountId: 'A2000000001' }] }) },
  keyedContact,
  keyedContact,
  { method: 'GET', path: '/v1/contacts?limit=5', headers: NOVA },
  { method: 'POST', path: '/v1/entities', headers: NOVA, body: JSON.stringify([{ name: 'Soak LLC', type: 'llc' }]) },
  { method: 'GET', path: '/v1/vehicles', headers: NOVA },
  keyedContact,
  // Token churn on the other client: a client keeps 20 live tokens, so churning the soak's own would drop its token.
  { method: 'POST', path: '/oauth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&client_id=multi_org_client&client_secret=multi_org_secret' },
  { method: 'GET', path: '/healthz' },
  { method: 'GET', path: '/v1/entities', setupRequest: () => ({ ...INVALID[lap++ % INVALID.length] }) },
];

const rss = [{ t: 0, kb: await rssKb() }];
const started = Date.now();
const sampler = setInterval(async () => rss.push({ t: Math.round((Date.now() - started) / 1000), kb: await rssKb() }), SAMPLE_SECONDS * 1000);
const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, requests, timeout: 10 });
clearInterval(sampler);
rss.push({ t: Math.round((Date.now() - started) / 1000), kb: await rssKb() });

const journal = await (await fetch(`${url}/_sandbox/requests?limit=1000`)).json();
const faults = await (await fetch(`${url}/_sandbox/faults`)).json();
child.kill('SIGTERM');
const [code] = await once(child, 'exit');
const snapshot = JSON.parse(await readFile(file, 'utf8'));
const count = (name) => Object.keys(snapshot.data[name] ?? {}).length;
const tokensPerClient = {};
for (const { clientId } of Object.values(snapshot.data.novaTokens ?? {})) tokensPerClient[clientId] = (tokensPerClient[clientId] ?? 0) + 1;
// Each bounded store: its size at the end and its documented bound.
const bounded = [
  { store: 'novaIdempotencyKeys', size: count('novaIdempotencyKeys'), bound: 10_000 },
  ...Object.entries(tokensPerClient).map(([client, size]) => ({ store: `novaTokens of ${client}`, size, bound: 20 })),
  { store: 'requestJournal', size: journal.entries.length, bound: 1000 },
  { store: 'faults', size: (faults.faults ?? faults).length ?? 0, bound: 100 },
];
const over = bounded.filter(({ size, bound }) => size > bound);
const sizes = {
  ...Object.fromEntries(bounded.map(({ store, size, bound }) => [store, `${size} (bound ${bound})`])),
  norcapDistributions: count('norcapDistributions'),
  novaContacts: count('novaContacts'),
  dataFileBytes: (await stat(file)).size,
  journalFileBytes: (await stat(`${file}.journal`)).size,
};
await rm(dir, { recursive: true, force: true });

const s5xx = result['5xx'];
console.log(`soak: ${SECONDS} s, ${CONNECTIONS} connections, ${result.requests.total} requests`);
console.log(`  req/s mean ${Math.round(result.requests.average)}, latency mean ${result.latency.average} ms, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`);
console.log(`  statuses: 2xx ${result['2xx']}, 4xx ${result['4xx']}, 5xx ${s5xx}; socket errors ${result.errors}, timeouts ${result.timeouts}`);
console.log(`  RSS (MB) by second: ${rss.map(({ t, kb }) => `${t}s ${(kb / 1024).toFixed(0)}`).join(', ')}`);
console.log(`  bounded stores: ${JSON.stringify(sizes)}`);
console.log(`  server exit code after SIGTERM: ${code}`);
for (const { store, size, bound } of over) console.error(`soak FAILED: ${store} holds ${size}, over its bound of ${bound}`);
const failed = s5xx > 0 || result.errors > 0 || result.timeouts > 0 || code !== 0 || over.length > 0;
if (failed) console.error('soak FAILED: 5xx, socket errors, timeouts, an unclean stop, or a store over its bound');
process.exit(failed ? 1 : 0);
