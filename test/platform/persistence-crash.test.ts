import { afterEach, beforeEach, expect, jest, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { FilePersistence } from '../../src/backends/embedded/file-persistence.js';
import { EmbeddedStore } from '../../src/backends/embedded/embedded-store.js';
import { ensureBuilt } from './child-server.js';

// Child processes on a shared 2-core machine: a guard against a hang, not a wait.
jest.setTimeout(60_000);

const WRITER = fileURLToPath(new URL('../../scripts/crash-writer.mjs', import.meta.url));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sandbox-crash-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What the writers acknowledged, and the deletes they had begun but not yet had acknowledged. */
interface Ledger {
  present: Set<string>;
  deleted: Set<string>;
  deleting: Set<string>;
}

/** Runs the writer until it has acknowledged `killAfter` changes, then kill -9s it. */
async function writeThenKill(file: string, round: number, killAfter: number, { present, deleted, deleting }: Ledger): Promise<void> {
  const child = spawn(process.execPath, [WRITER, file, String(round)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(child, 'close');
  let acknowledged = 0;
  for await (const line of createInterface({ input: child.stdout })) {
    const id = line.slice(1);
    if (line.startsWith('~')) {
      deleting.add(id);
      continue;
    }
    if (line.startsWith('+')) present.add(id);
    else if (line.startsWith('-')) {
      present.delete(id);
      deleting.delete(id);
      deleted.add(id);
    } else continue;
    if (++acknowledged === killAfter) child.kill('SIGKILL');
  }
  const [code, signal] = await exited;
  expect({ code, signal }).toEqual({ code: null, signal: 'SIGKILL' });
}

test('kill -9 at any moment, compactions included, loses no acknowledged put or delete', async () => {
  ensureBuilt();
  const file = join(dir, 'things.json');
  const ledger: Ledger = { present: new Set(), deleted: new Set(), deleting: new Set() };
  const { present, deleted, deleting } = ledger;
  // Several rounds on one file: each restart replays what the last crash left, then goes on.
  for (const [round, killAfter] of [[1, 1500], [2, 2300], [3, 900]] as const) await writeThenKill(file, round, killAfter, ledger);

  const snapshot = JSON.parse(await readFile(file, 'utf8')) as { seq: number };
  expect(snapshot.seq).toBeGreaterThan(1000); // compactions ran along the way, not just at the start
  const store = await EmbeddedStore.open<{ things: Record<string, { id: string }> }>({ fixtures: () => ({ things: {} }), persistence: new FilePersistence(file) });
  const stored = new Set(Object.keys(store.data.things));
  await store.close();
  // Every acknowledged put, unless its delete was in flight at a kill: a delete is durable before
  // it is acknowledged, so it may have landed (both outcomes are right; at most 8 per kill).
  expect([...present].filter((id) => !stored.has(id) && !deleting.has(id))).toEqual([]);
  expect(deleting.size).toBeLessThanOrEqual(3 * 8);
  expect([...deleted].filter((id) => stored.has(id))).toEqual([]); // every acknowledged delete
  // Besides, only puts in flight at a kill (one per writer, 8 writers, 3 kills) may have landed.
  expect([...stored].filter((id) => !present.has(id)).length).toBeLessThanOrEqual(3 * 8);
});
