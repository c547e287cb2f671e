import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilePersistence } from '../../src/backends/embedded/file-persistence.js';
import { formatEntry } from '../../src/backends/embedded/journal-file.js';
import { serializeSnapshot } from '../../src/backends/embedded/snapshot-file.js';
import { EmbeddedStore } from '../../src/backends/embedded/embedded-store.js';
import type { Collections } from '../../src/core/store/types.js';
import { ensureBuilt } from '../platform/child-server.js';

// A journal whose sequence numbers skip (a line lost, a file edited or spliced) is refused at
// start, naming the file, the line and the gap; `repair` (`--repair-data`) keeps what comes
// before the gap, cuts the rest and says so. Never half-loaded in silence.

interface Things extends Collections {
  things: Record<string, { id: string; n: number }>;
}
const fixtures = (): Things => ({ things: {} });
const put = (id: string, n: number) => ({ op: 'put' as const, collection: 'things', id, value: { id, n } });

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sandbox-gap-'));
  file = join(dir, 'state.json');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** A snapshot at seq 2 holding `s`, and a journal with the given seqs, each putting `t<seq>`. */
async function image(snapshotSeq: number, seqs: number[]): Promise<void> {
  await writeFile(file, serializeSnapshot(snapshotSeq, { things: { s: { id: 's', n: 0 } } }));
  await writeFile(`${file}.journal`, seqs.map((seq) => formatEntry({ seq, ops: [put(`t${seq}`, seq)] })).join(''));
}

async function open(repair?: boolean, warnings: string[] = []) {
  const persistence = new FilePersistence<Things>(file, { repair, warn: (message) => warnings.push(message) });
  return EmbeddedStore.open<Things>({ fixtures, persistence });
}

describe('a journal with a gap in its sequence numbers', () => {
  test('is refused, naming the file, the line and the gap (seq 4 followed by seq 6)', async () => {
    await image(2, [1, 2, 3, 4, 6, 7]);

    await expect(open()).rejects.toThrow(`${file}.journal:5: journal gap: seq 4 followed by seq 6; start with --repair-data to keep what comes before the gap and drop the rest`);
    // Refused, not altered: the journal is as it was, and the lock is released.
    expect((await readFile(`${file}.journal`, 'utf8')).split('\n')).toHaveLength(7);
    await expect(open()).rejects.toThrow(/journal gap/);
  });

  test('a journal that starts past the snapshot is a gap too (snapshot seq 2, first line seq 5)', async () => {
    await image(2, [5, 6]);

    await expect(open()).rejects.toThrow(`${file}.journal:1: journal gap: seq 2 followed by seq 5`);
  });

  test('a contiguous journal (lines the snapshot holds skipped) loads every line', async () => {
    await image(2, [1, 2, 3, 4]);
    const store = await open();

    expect(Object.keys(store.data.things).sort()).toEqual(['s', 't3', 't4']);
    await store.close();
  });

  test('repair keeps what is before the gap, says so, cuts the rest, and the next start is clean', async () => {
    await image(2, [3, 4, 6, 7]);
    const warnings: string[] = [];
    const store = await open(true, warnings);

    expect(Object.keys(store.data.things).sort()).toEqual(['s', 't3', 't4']);
    expect(warnings).toEqual([`${file}.journal:3: journal gap: seq 4 followed by seq 6; repaired: kept the state up to seq 4, dropped 2 journal lines from the gap on`]);
    await store.commit((tx) => tx.put('things', 'after', { id: 'after', n: 9 }));
    await store.close();

    const again = await open(false);
    expect(Object.keys(again.data.things).sort()).toEqual(['after', 's', 't3', 't4']);
    await again.close();
  });
});

/** The built CLI on `file`: its exit code (or the listening line) and its stderr. */
async function runCli(args: string[]): Promise<{ code: number | null | 'started'; listening: boolean; stderr: string }> {
  ensureBuilt();
  // No DATABASE_URL: the CLI would take it as --database, which --data refuses (CI sets one).
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'DATABASE_URL'));
  const child = spawn(process.execPath, ['dist/cli.js', '--port', '0', '--host', '127.0.0.1', '--quiet', '--data', file, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stderr = '';
  let listening = false;
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdout.on('data', (chunk: Buffer) => {
    if (!listening && chunk.toString('utf8').includes('listening on http://')) {
      listening = true;
      child.kill('SIGTERM');
    }
  });
  const [code] = (await once(child, 'close')) as [number | null];
  // Once it listened, it was stopped by a signal: its exit code says nothing about the start.
  return { code: listening ? 'started' : code, listening, stderr };
}

describe('the CLI on a data file with a gap', () => {
  test('exits 1 with the reason on stderr; --repair-data starts, saying what it dropped', async () => {
    await image(2, [3, 5]);

    expect(await runCli([])).toEqual({ code: 1, listening: false, stderr: `${file}.journal:2: journal gap: seq 3 followed by seq 5; start with --repair-data to keep what comes before the gap and drop the rest\n` });
    expect(await runCli(['--repair-data'])).toEqual({
      code: 'started',
      listening: true,
      stderr: `${file}.journal:2: journal gap: seq 3 followed by seq 5; repaired: kept the state up to seq 3, dropped 1 journal line from the gap on\n`,
    });
    // Repaired for good: a start without the option is clean.
    expect(await runCli([])).toEqual({ code: 'started', listening: true, stderr: '' });
  }, 30_000);
});
