import { afterEach, beforeEach, expect, jest, test } from '@jest/globals';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilePersistence } from '../../src/backends/embedded/file-persistence.js';
import { EmbeddedStore } from '../../src/backends/embedded/embedded-store.js';
import { lossesOf, newLedger, writeThenKill } from '../../scripts/crash-ledger.mjs';
import { ensureBuilt } from './child-server.js';

// Child processes on a shared 2-core machine: a guard against a hang, not a wait.
jest.setTimeout(60_000);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sandbox-crash-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('kill -9 at any moment, compactions included, loses no acknowledged put or delete', async () => {
  ensureBuilt();
  const file = join(dir, 'things.json');
  const ledger = newLedger();
  // Several rounds on one file: each restart replays what the last crash left, then goes on.
  for (const [round, killAfter] of [[1, 1500], [2, 2300], [3, 900]] as const) await writeThenKill(ledger, { file, round, killAfter });

  const snapshot = JSON.parse(await readFile(file, 'utf8')) as { seq: number };
  expect(snapshot.seq).toBeGreaterThan(1000); // compactions ran along the way, not just at the start
  const store = await EmbeddedStore.open<{ things: Record<string, { id: string }> }>({ fixtures: () => ({ things: {} }), persistence: new FilePersistence(file) });
  const stored = new Set(Object.keys(store.data.things));
  await store.close();
  // Every acknowledged put, unless its delete was in flight at a kill: a delete is durable before
  // it is acknowledged, so it may have landed (both outcomes are right; at most 8 per kill).
  const { lostPuts, undoneDeletes } = lossesOf(ledger, stored);
  expect({ lostPuts, undoneDeletes }).toEqual({ lostPuts: [], undoneDeletes: [] });
  expect(ledger.deleting.size).toBeLessThanOrEqual(3 * 8);
  // Besides, only puts in flight at a kill (one per writer, 8 writers, 3 kills) may have landed.
  expect([...stored].filter((id) => !ledger.present.has(id)).length).toBeLessThanOrEqual(3 * 8);
});
