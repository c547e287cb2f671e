import { afterEach, beforeEach, expect, jest, test } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpJson, startChild, type ChildServer } from '../platform/child-server.js';

// Exactly-once across kill -9: keyed Nova creates under load, the built CLI killed at seeded
// moments and restarted on the same file, every request that got no answer sent again with its
// key. Nothing acknowledged may be lost, and nothing may exist twice.

// Child processes on a shared 2-core machine: a guard against a hang, not a wait.
jest.setTimeout(120_000);

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20240420;
const ROUNDS = 6;
const WORKERS = 16;

/** mulberry32: a small seeded generator, so the kill moments repeat run to run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sandbox-exactly-once-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

interface Sent {
  key: string;
  name: string;
  answered: boolean;
}

async function token(server: ChildServer): Promise<string> {
  const res = await fetch(`${server.url}/oauth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&client_id=sandbox_client&client_secret=sandbox_secret',
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

function create(server: ChildServer, agent: Agent, bearer: string, sent: Sent) {
  return httpJson('POST', `${server.url}/v1/contacts`, { agent, body: [{ name: sent.name, email: 'crash@example.com' }], headers: { Authorization: `Bearer ${bearer}`, 'Idempotency-Key': sent.key } });
}

/** Every contact's name, read through the list (newest first, 100 a page). */
async function allNames(server: ChildServer, agent: Agent, bearer: string): Promise<string[]> {
  const names: string[] = [];
  let after: string | undefined;
  for (;;) {
    const res = await httpJson('GET', `${server.url}/v1/contacts?limit=100${after ? `&starting_after=${after}` : ''}`, { agent, headers: { Authorization: `Bearer ${bearer}` } });
    const page = res.body as { data: { id: string; name: string }[]; has_more: boolean };
    names.push(...page.data.map((c) => c.name));
    if (!page.has_more) return names;
    after = page.data[page.data.length - 1]?.id;
  }
}

// Bug 3 of issue 8: the key record commits in the same transaction as what it created.
test('kill -9 under keyed Nova creates, restart, resend the unanswered: 0 duplicates, 0 acknowledged losses', async () => {
  const random = seeded(SEED);
  const file = join(dir, 'state.json');
  const sent: Sent[] = [];
  let next = 0;

  for (let round = 0; round < ROUNDS; round++) {
    const server = await startChild(['--data', file, '--quiet']);
    const agent = new Agent({ keepAlive: true, maxSockets: WORKERS });
    const bearer = await token(server);
    // First, what the last crash left unanswered, with the same key and body.
    for (const s of sent.filter((x) => !x.answered)) {
      const res = await create(server, agent, bearer, s);
      expect(res.status).toBe(201);
      s.answered = true;
    }
    const killAfter = 40 + Math.floor(random() * 200); // acknowledged creates before the kill
    let acknowledged = 0;
    let killed = false;
    await Promise.all(
      Array.from({ length: WORKERS }, async () => {
        while (!killed) {
          const s: Sent = { key: `key-${next}`, name: `crash-${next}`, answered: false };
          next++;
          sent.push(s);
          try {
            const res = await create(server, agent, bearer, s);
            if (res.status !== 201) throw new Error(`create answered ${res.status}`);
            s.answered = true;
            if (++acknowledged === killAfter) {
              killed = true;
              server.child.kill('SIGKILL');
            }
          } catch {
            killed = true; // the connection died with the server: this one got no answer
          }
        }
      }),
    );
    await server.exited;
    agent.destroy();
  }

  const server = await startChild(['--data', file, '--quiet']);
  const agent = new Agent({ keepAlive: true });
  try {
    const bearer = await token(server);
    for (const s of sent.filter((x) => !x.answered)) {
      expect((await create(server, agent, bearer, s)).status).toBe(201);
      s.answered = true;
    }
    const names = (await allNames(server, agent, bearer)).filter((n) => n.startsWith('crash-'));
    const seen = new Map<string, number>();
    for (const n of names) seen.set(n, (seen.get(n) ?? 0) + 1);
    const duplicates = [...seen].filter(([, count]) => count > 1).map(([n]) => n);
    const lost = sent.filter((s) => !seen.has(s.name)).map((s) => s.name);
    expect({ duplicates, lost }).toEqual({ duplicates: [], lost: [] });
    expect(names.length).toBe(sent.length);
  } finally {
    agent.destroy();
    server.child.kill('SIGKILL');
    await server.exited;
  }
});
