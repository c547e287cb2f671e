import { afterEach, beforeEach, expect, jest, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilePersistence } from '../../src/backends/embedded/file-persistence.js';
import { EmbeddedStore } from '../../src/backends/embedded/embedded-store.js';
import { lossesOf, newLedger, writeThenKill } from '../../scripts/crash-ledger.mjs';
import { ensureBuilt } from './child-server.js';

/**
 * Bytes a child's stdout delivered after the child wrote `lines` lines of 100 bytes (`plain`:
 * with process.stdout.write; otherwise through `acknowledge`) and then SIGKILLed itself; the
 * parent reads nothing until the child is gone when `readAfterExit`.
 */
async function deliveredBeforeKill(lines: number, plain: boolean, readAfterExit: boolean): Promise<number> {
  const ack = new URL('../../scripts/acknowledge.mjs', import.meta.url).href;
  const write = plain ? 'process.stdout.write(line)' : 'await acknowledge(line)';
  const program = `import { acknowledge } from ${JSON.stringify(ack)}; const line = 'x'.repeat(99) + '\\n'; for (let i = 0; i < ${lines}; i++) ${write}; process.kill(process.pid, 'SIGKILL');`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', program], { stdio: ['ignore', 'pipe', 'inherit'] });
  let bytes = 0;
  const read = (): void => void child.stdout.on('data', (chunk: Buffer) => (bytes += chunk.length));
  if (readAfterExit) void once(child, 'exit').then(read);
  else read();
  await once(child.stdout, 'close');
  return bytes;
}

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

// The cause of the one failure this test had (1 of 20 loaded full-suite runs: 73 recovered
// records it had never heard of, against a bound of 24): the writer's acknowledgements went
// through process.stdout.write, which on a full pipe keeps the line in the process's memory and
// returns, so a kill -9 took lines of changes that were already durable. Reproduced here
// without timing: a parent that reads only after the kill gets ~43 KB of 2 MB written.
test('a line the crash writer acknowledges is in the pipe before it goes on: a kill -9 loses none, where a plain write loses most', async () => {
  expect(await deliveredBeforeKill(20_000, true, true)).toBeLessThan(2_000_000);
  expect(await deliveredBeforeKill(20_000, false, false)).toBe(2_000_000);
});
