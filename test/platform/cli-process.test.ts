import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { item, PATH, SANDBOX_AUTH } from '../norcap/helpers.js';
import { httpJson, startChild, type ChildOptions, type ChildServer } from './child-server.js';

const AUTH = { Authorization: SANDBOX_AUTH };

// Real processes on a shared 2-core machine: a guard against a hang, not a wait.
jest.setTimeout(60_000);

let dir: string;
const children: ChildServer[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sandbox-cli-'));
});
afterEach(async () => {
  for (const c of children.splice(0)) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

async function start(args: string[], options?: ChildOptions): Promise<ChildServer> {
  const server = await startChild(args, options);
  children.push(server);
  return server;
}

/** Every distribution id the fixture credential can list, page by page. */
async function listedIds(url: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for (let offset = 0; ; offset += 500) {
    const page = await httpJson('GET', `${url}${PATH}?limit=500&offset=${offset}`, { headers: AUTH });
    expect(page.status).toBe(200);
    const { custody_distributions: distributions, pagination } = page.body as { custody_distributions: { id: string }[]; pagination: { totalRecords: number } };
    for (const d of distributions) ids.add(d.id);
    if (offset + 500 >= pagination.totalRecords) return ids;
  }
}

describe('the CLI as a process', () => {
  test('kill -9 under concurrent load loses no acknowledged create, and the data file stays valid JSON', async () => {
    const file = join(dir, 'state.json');
    const first = await start(['--data', file, '--quiet']);
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const acknowledged: string[] = [];
    const KILL_AFTER = 150; // acknowledged creates before the kill
    const MAX_REQUESTS = 600; // bound: the load stops by itself even if the kill never came
    let sent = 0;
    let killed = false;
    let killedAt = 0;

    const worker = async (): Promise<void> => {
      while (!killed && sent < MAX_REQUESTS) {
        sent++;
        try {
          const res = await httpJson('POST', `${first.url}${PATH}`, { body: item(), headers: AUTH, agent });
          if (res.status !== 200) throw new Error(`create answered ${res.status}`);
          acknowledged.push((res.body as { distributions: { id: string }[] }).distributions[0]?.id as string);
          if (acknowledged.length >= KILL_AFTER && !killed) {
            killed = first.child.kill('SIGKILL'); // mid-load: the other workers have requests in flight
            killedAt = acknowledged.length;
          }
        } catch (error) {
          if (!killed) throw error; // after the kill, connections reset: those creates were never acknowledged
        }
      }
    };
    await Promise.all(Array.from({ length: 12 }, worker));
    agent.destroy();
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(killedAt).toBeGreaterThanOrEqual(KILL_AFTER);

    JSON.parse(await readFile(file, 'utf8')); // the snapshot is never torn
    const second = await start(['--data', file, '--quiet']);
    const ids = await listedIds(second.url);
    const missing = acknowledged.filter((id) => !ids.has(id));
    expect(missing).toEqual([]);
    expect(ids.size).toBeGreaterThanOrEqual(acknowledged.length);

    second.child.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
  });

  test('SIGTERM: an in-flight request finishes, the data file is flushed, coverage is written, exit 0', async () => {
    const file = join(dir, 'state.json');
    const coverage = join(dir, 'coverage.json');
    const server = await start(['--data', file, '--coverage-out', coverage]);
    const created = await httpJson('POST', `${server.url}${PATH}`, { body: item({ amountCents: 111 }), headers: AUTH });
    expect(created.status).toBe(200);

    // A request the server has begun (it answered 100 Continue) but whose body is not sent yet.
    const agent = new Agent({ keepAlive: true });
    const payload = JSON.stringify(item({ amountCents: 222 }));
    const inFlight = request(`${server.url}${PATH}`, {
      method: 'POST',
      agent,
      headers: { ...AUTH, 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(payload)), Expect: '100-continue' },
    });
    const response = once(inFlight, 'response');
    inFlight.flushHeaders();
    await once(inFlight, 'continue');
    server.child.kill('SIGTERM');
    await server.waitForLine(/shutting down/);
    inFlight.end(payload);
    const [res] = (await response) as [import('node:http').IncomingMessage];
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    agent.destroy();

    expect(res.statusCode).toBe(200);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    expect(body.distributions[0].amountCents).toBe(222);
    expect(await server.exited).toEqual({ code: 0, signal: null });

    // Flushed: the snapshot holds both creates and the journal was folded in.
    const saved = JSON.parse(await readFile(file, 'utf8'));
    const amounts = Object.values(saved.data.norcapDistributions as Record<string, { distribution: { amountCents: number } }>).map((r) => r.distribution.amountCents);
    expect(amounts.sort()).toEqual([111, 222]);
    expect((await stat(`${file}.journal`)).size).toBe(0);

    // One JSON log line per request on stdout, then the shutdown lines, then the coverage table.
    const tableAt = server.lines.indexOf(`contract coverage written to ${coverage}`);
    expect(tableAt).toBeGreaterThan(0);
    const table = server.lines.slice(tableAt + 1).join('\n');
    expect(table).toMatch(/^Contract coverage since /);
    expect(table).toMatch(/norcap\s+createDistributions\s+POST\s+\/v3\/custody\/distributions\s+2\s+200:2 400:0/);
    expect(table).toContain(`norcap getDistribution (GET ${PATH}/{distributionId}): never called`);
    const report = JSON.parse(await readFile(coverage, 'utf8'));
    expect(report.apis.norcap.operations.find((op: { operationId: string }) => op.operationId === 'createDistributions').statuses['200']).toBe(2);
    const logged = server.lines.slice(0, tableAt).map((line) => JSON.parse(line) as Record<string, unknown>);
    const requests = logged.filter((line) => line.msg === 'request');
    expect(requests.map((line) => [line.method, line.path, line.status, line.operation])).toEqual([
      ['POST', PATH, 200, 'createDistributions'],
      ['POST', PATH, 200, 'createDistributions'],
    ]);
    expect(logged.at(-1)).toMatchObject({ msg: 'stopped' });
  });

  test('SIGHUP stops like SIGTERM: the data file flushed, the coverage report written, stopped logged last, exit 0', async () => {
    const file = join(dir, 'state.json');
    const coverage = join(dir, 'coverage.json');
    const server = await start(['--data', file, '--coverage-out', coverage]);
    expect((await httpJson('POST', `${server.url}${PATH}`, { body: item({ amountCents: 333 }), headers: AUTH })).status).toBe(200);
    server.child.kill('SIGHUP');
    expect(await server.exited).toEqual({ code: 0, signal: null });

    const saved = JSON.parse(await readFile(file, 'utf8'));
    expect(Object.values(saved.data.norcapDistributions as Record<string, { distribution: { amountCents: number } }>).map((r) => r.distribution.amountCents)).toEqual([333]);
    expect(JSON.parse(await readFile(coverage, 'utf8')).summary.operations_exercised).toBe(1);
    const tableAt = server.lines.indexOf(`contract coverage written to ${coverage}`);
    const logged = server.lines.slice(0, tableAt).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged.map((line) => line.msg)).toEqual([`fund-distribution sandbox listening on ${server.url}`, 'request', 'shutting down: finishing in-flight requests', 'stopped']);
    expect(logged[2]).toMatchObject({ signal: 'SIGHUP' });
  });

  test('an unwritable --coverage-out is refused at start (exit 1, the reason on stderr), not found out at shutdown', async () => {
    await expect(startChild(['--coverage-out', join(dir, 'missing', 'coverage.json')])).rejects.toThrow(
      new RegExp(`exited \\(1\\).*--coverage-out ${join(dir, 'missing', 'coverage.json')}: directory ${join(dir, 'missing')} does not exist`, 's'),
    );
    await expect(startChild([], { env: { PORT: '0', HOST: '127.0.0.1', SANDBOX_COVERAGE_OUT: dir } })).rejects.toThrow(/exited \(1\).*--coverage-out .*: is a directory/s);
    expect(await readdir(dir)).toEqual([]); // the check creates nothing
  });

  test('settings read from their environment twins alone, in a real process (SANDBOX_STRICT: see cli-options and strict tests)', async () => {
    const file = join(dir, 'state.json');
    const coverage = join(dir, 'coverage.json');
    const server = await start([], {
      env: {
        PORT: '0',
        HOST: '127.0.0.1',
        SANDBOX_SEED: '7',
        SANDBOX_DATA: file,
        SANDBOX_STRICT: 'true',
        SANDBOX_QUIET: '1',
        SANDBOX_ADMIN_TOKEN: 'env-token',
        SANDBOX_AUTO_ADVANCE: 'yes',
        SANDBOX_COVERAGE_OUT: coverage,
        SANDBOX_FROZEN_AT: '2024-04-20T12:00:00Z',
      },
    });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/); // PORT=0, HOST

    const created = await httpJson('POST', `${server.url}${PATH}`, { body: item(), headers: AUTH });
    expect(created.status).toBe(200);
    const [distribution] = (created.body as { distributions: { id: string; createdAt: string }[] }).distributions;
    expect(distribution?.createdAt).toBe('2024-04-20 12:00:00'); // SANDBOX_FROZEN_AT
    expect((await httpJson('POST', `${server.url}/_sandbox/clock/advance`, { body: { seconds: 60 } })).status).toBe(401); // SANDBOX_ADMIN_TOKEN
    const advanced = await httpJson('POST', `${server.url}/_sandbox/clock/advance`, { body: { seconds: 60 }, headers: { Authorization: 'Bearer env-token' } });
    expect(advanced.body).toEqual({ now: '2024-04-20T12:01:00.000Z', offset_seconds: 60, frozen: true });
    const read = await httpJson('GET', `${server.url}${PATH}/${distribution?.id}`, { headers: AUTH });
    expect(read.body).toMatchObject({ distribution: { status: 'processing', transactionType: 'ach' } }); // SANDBOX_AUTO_ADVANCE

    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.lines[0]).toBe(`fund-distribution sandbox listening on ${server.url}`); // SANDBOX_QUIET: no request lines
    expect(server.lines[1]).toBe(`contract coverage written to ${coverage}`); // SANDBOX_COVERAGE_OUT
    expect(JSON.parse(await readFile(coverage, 'utf8')).summary.operations_exercised).toBe(2);
    const saved = JSON.parse(await readFile(file, 'utf8')); // SANDBOX_DATA
    expect(saved.data.norcapDistributions[distribution?.id as string].distribution.status).toBe('processing');
  });

  test('without --data nothing is written: the state stays in memory', async () => {
    const server = await start([], { cwd: dir });
    expect((await httpJson('POST', `${server.url}${PATH}`, { body: item(), headers: AUTH })).status).toBe(200);
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });

    expect(await readdir(dir)).toEqual([]);
    const again = await start([], { cwd: dir });
    const list = await httpJson('GET', `${again.url}${PATH}`, { headers: AUTH });
    expect((list.body as { custody_distributions: unknown[] }).custody_distributions).toEqual([]);
    again.child.kill('SIGTERM');
    expect(await again.exited).toEqual({ code: 0, signal: null });
  });

  test('beyond loopback without an admin token the server refuses to start (exit 1, the reason on stderr)', async () => {
    await expect(startChild(['--host', '0.0.0.0'])).rejects.toThrow(/exited \(1\).*refusing to listen on 0\.0\.0\.0 without an admin token/s);
    await expect(startChild([], { env: { PORT: '0', HOST: '0.0.0.0' } })).rejects.toThrow(/exited \(1\).*refusing to listen on 0\.0\.0\.0/s);
  });

  test('--quiet prints only where it listens; a bad flag exits 1 with the reason on stderr', async () => {
    const server = await start(['--quiet']);
    expect((await httpJson('GET', `${server.url}/healthz`)).status).toBe(200);
    server.child.kill('SIGINT');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.lines).toEqual([`fund-distribution sandbox listening on ${server.url}`]);

    await expect(startChild(['--port', 'nope'])).rejects.toThrow(/exited \(1\).*port must be an integer/s);
  });
});
