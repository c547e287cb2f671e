import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { appendFile, copyFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { FilePersistence } from '../../src/backends/embedded/file-persistence.js';
import { EmbeddedStore } from '../../src/backends/embedded/embedded-store.js';
import { formatEntry } from '../../src/backends/embedded/journal-file.js';
import { serializeSnapshot, SNAPSHOT_FORMAT } from '../../src/backends/embedded/snapshot-file.js';
import type { Collections } from '../../src/core/store/types.js';
import { item, PATH, SANDBOX_AUTH } from '../norcap/helpers.js';
import { expectContract, testSandbox } from '../support/harness.js';

interface Things extends Collections {
  things: Record<string, { id: string; n: number }>;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sandbox-data-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const fixtures = (): Things => ({ things: { seed: { id: 'seed', n: 0 } } });

/** A store on `file`; `settled` waits until no write or compaction is under way. */
async function openThings(file: string, compactAfterBytes?: number): Promise<EmbeddedStore<Things> & { settled(): Promise<void> }> {
  const persistence = new FilePersistence<Things>(file, { compactAfterBytes });
  const store = await EmbeddedStore.open<Things>({ fixtures, persistence });
  return Object.assign(store, { settled: () => persistence.settled() });
}

/**
 * What `kill -9` would leave right now: the files as they are on disk, copied aside (once no
 * write is under way, so the copy is one instant) before the store is closed, since close
 * compacts, which a killed process never gets to do.
 */
async function crashImage(file: string, store?: { settled(): Promise<void> }): Promise<string> {
  await store?.settled();
  const image = join(dir, `crash-${Math.random().toString(36).slice(2)}.json`);
  await copyFile(file, image);
  await copyFile(`${file}.journal`, `${image}.journal`);
  return image;
}

/** The crash image of a store that committed one record, `a`, and was then closed. */
async function imageHoldingA(): Promise<string> {
  const file = join(dir, 'things.json');
  const store = await openThings(file);
  await store.commit((tx) => tx.put('things', 'a', { id: 'a', n: 1 }));
  const image = await crashImage(file, store);
  await store.close();
  return image;
}

describe('--data: the state lives in a file and a restart resumes it', () => {
  test('a NorCap distribution created before a restart reads back after it', async () => {
    const file = join(dir, 'sandbox.json');
    const first = await testSandbox({ data: file });
    const created = await request(first.app).post(PATH).set('Authorization', SANDBOX_AUTH).send(item());
    expectContract('norcap', created);
    expect(created.status).toBe(200);
    await first.stop();

    const second = await testSandbox({ data: file });
    const id = created.body.distributions[0].id as string;
    const read = await request(second.app).get(`${PATH}/${id}`).set('Authorization', SANDBOX_AUTH);
    expectContract('norcap', read);
    expect(read.status).toBe(200);
    expect(read.body.distribution).toEqual(created.body.distributions[0]);

    // Same --seed after a restart: new ids, never one already stored.
    const again = await request(second.app).post(PATH).set('Authorization', SANDBOX_AUTH).send(item());
    expect(again.status).toBe(200);
    expect(again.body.distributions[0].id).not.toBe(id);
    expect(await second.store.count('norcapDistributions')).toBe(2);
    await second.stop();
  });

  test('the file is a lowdb JSON snapshot with the whole state', async () => {
    const file = join(dir, 'sandbox.json');
    const sb = await testSandbox({ data: file });
    await request(sb.app).post(PATH).set('Authorization', SANDBOX_AUTH).send(item());
    await sb.stop();

    const saved = JSON.parse(await readFile(file, 'utf8'));
    expect(saved.format).toBe(SNAPSHOT_FORMAT);
    expect(Object.keys(saved.data.norcapDistributions)).toHaveLength(1);
    expect(saved.data.norcapCredentials.sandbox.apiKey).toBe('sandbox_api_key');
    expect((await stat(`${file}.journal`)).size).toBe(0); // close folds the journal in
  });

  test('reset is persisted: after a restart the state is the fixtures again', async () => {
    const file = join(dir, 'sandbox.json');
    const first = await testSandbox({ data: file });
    await request(first.app).post(PATH).set('Authorization', SANDBOX_AUTH).send(item());
    await first.reset();
    const image = await crashImage(file);
    await first.stop();

    const second = await testSandbox({ data: image });
    expect(await second.store.count('norcapDistributions')).toBe(0);
    await second.stop();
  });

  test('a second server on the same file is refused while the first runs; a dead owner\'s lock is taken over', async () => {
    const file = join(dir, 'nested', 'sandbox.json'); // the folder is created
    const first = await testSandbox({ data: file });
    await expect(testSandbox({ data: file })).rejects.toThrow(`is in use by process ${process.pid}`);
    await first.stop();

    await writeFile(`${file}.lock`, '4194304\n'); // above Linux's PID limit: no such process
    const second = await testSandbox({ data: file });
    expect(await readFile(`${file}.lock`, 'utf8')).toBe(`${process.pid}\n`);
    await second.stop();
    await expect(stat(`${file}.lock`)).rejects.toThrow(/ENOENT/);
  });

  test('a file that is not sandbox data is refused, not overwritten', async () => {
    const file = join(dir, 'other.json');
    await writeFile(file, '{"users":[]}');
    await expect(testSandbox({ data: file })).rejects.toThrow(/not a sandbox data file/);
    expect(await readFile(file, 'utf8')).toBe('{"users":[]}');
    await expect(stat(`${file}.lock`)).rejects.toThrow(/ENOENT/); // released on the way out
  });
});

describe('journal', () => {
  test('every acknowledged commit is in the journal before close, and a crash image replays it', async () => {
    const file = join(dir, 'things.json');
    const store = await openThings(file);
    await Promise.all(Array.from({ length: 50 }, (_, n) => store.commit((tx) => tx.put('things', `t${n}`, { id: `t${n}`, n }))));
    await store.commit((tx) => tx.delete('things', 't3'));
    const image = await crashImage(file, store);
    await store.close();

    const lines = (await readFile(`${image}.journal`, 'utf8')).trim().split('\n');
    expect(lines.length).toBe(51);
    const reopened = await openThings(image);
    expect(await reopened.count('things')).toBe(50); // seed + 50 − t3
    expect(await reopened.get('things', 't3')).toBeUndefined();
    expect(await reopened.get('things', 't49')).toEqual({ id: 't49', n: 49 });
    await reopened.close();
  });

  test('a torn last line (a crash mid-append) is ignored and cut, and appends go on cleanly', async () => {
    const image = await imageHoldingA();
    await appendFile(`${image}.journal`, '{"seq":99,"ops":[{"op":"put","collection":"things","id":"b","val');

    const reopened = await openThings(image);
    expect(await reopened.get('things', 'a')).toEqual({ id: 'a', n: 1 });
    expect(await reopened.get('things', 'b')).toBeUndefined();
    await reopened.commit((tx) => tx.put('things', 'c', { id: 'c', n: 3 }));
    const second = await crashImage(image, reopened);
    await reopened.close();

    expect((await readFile(`${second}.journal`, 'utf8')).endsWith('\n')).toBe(true);
    const again = await openThings(second);
    expect((await again.scan('things')).map((t) => t.id)).toEqual(['seed', 'a', 'c']);
    await again.close();
  });

  test('a corrupt line before the end is an error, not silent data loss', async () => {
    const image = await imageHoldingA();
    await writeFile(`${image}.journal`, `garbage\n${await readFile(`${image}.journal`, 'utf8')}`);

    await expect(openThings(image)).rejects.toThrow(/corrupt journal line/);
  });

  test('compaction folds the journal into the snapshot and keeps every record, under concurrent commits', async () => {
    const file = join(dir, 'things.json');
    const store = await openThings(file, 2048);
    for (let round = 0; round < 10; round++) {
      await Promise.all(Array.from({ length: 20 }, (_, i) => {
        const id = `r${round}-${i}`;
        return store.commit((tx) => tx.put('things', id, { id, n: round * 100 + i }));
      }));
    }
    await store.commit((tx) => tx.delete('things', 'r0-0'));
    const image = await crashImage(file, store);
    const snapshot = JSON.parse(await readFile(image, 'utf8'));
    await store.close();

    // Compaction ran: the snapshot holds records and the journal holds far fewer than 201 lines.
    expect(Object.keys(snapshot.data.things).length).toBeGreaterThan(20);
    const journalLines = (await readFile(`${image}.journal`, 'utf8')).split('\n').length - 1;
    expect(journalLines).toBeLessThan(201);
    const reopened = await openThings(image);
    expect(await reopened.count('things')).toBe(200); // seed + 200 − r0-0
    expect(await reopened.get('things', 'r0-0')).toBeUndefined();
    expect(await reopened.get('things', 'r9-19')).toEqual({ id: 'r9-19', n: 919 });
    await reopened.close();
  });

  test('a crash between a compaction\'s snapshot and its journal restart replays only the newer lines', async () => {
    // The snapshot holds seq ≤ 5; the old journal still has seq 3…8 (3…5 are already in it).
    const file = join(dir, 'things.json');
    const put = (seq: number, id: string, n: number) => formatEntry({ seq, ops: [{ op: 'put', collection: 'things', id, value: { id, n } }] });
    await writeFile(file, serializeSnapshot(5, { things: { t3: { id: 't3', n: 3 }, t4: { id: 't4', n: 4 }, t5: { id: 't5', n: 50 } } }));
    await writeFile(`${file}.journal`, [
      put(3, 't3', 3),
      put(4, 't4', 4),
      formatEntry({ seq: 5, ops: [{ op: 'delete', collection: 'things', id: 't4' }, { op: 'put', collection: 'things', id: 't5', value: { id: 't5', n: 50 } }] }),
      put(6, 't6', 6),
      formatEntry({ seq: 7, ops: [{ op: 'delete', collection: 'things', id: 't3' }] }),
    ].join(''));

    const store = await openThings(file);
    // t4 stays: the snapshot (seq 5) is the truth up to 5, and the delete at 5 is not replayed over it.
    expect(store.data.things).toEqual({ t4: { id: 't4', n: 4 }, t5: { id: 't5', n: 50 }, t6: { id: 't6', n: 6 } });
    await store.close();
  });

  test('journal lines the snapshot already holds are not replayed over a later reset', async () => {
    const file = join(dir, 'things.json');
    const store = await openThings(file);
    await store.commit((tx) => tx.put('things', 'old', { id: 'old', n: 1 }));
    const journalBeforeReset = await readFile(`${file}.journal`, 'utf8');
    await store.reset();
    const image = await crashImage(file, store);
    await store.close();
    // As if the crash came after the reset's snapshot but before the journal was emptied.
    await writeFile(`${image}.journal`, journalBeforeReset);

    const reopened = await openThings(image);
    expect(await reopened.get('things', 'old')).toBeUndefined();
    expect((await reopened.scan('things')).map((t) => t.id)).toEqual(['seed']);
    await reopened.close();
  });

  test('after close, commits are refused rather than silently lost', async () => {
    const file = join(dir, 'things.json');
    const store = await openThings(file);
    await store.close();
    await expect(store.commit((tx) => tx.put('things', 'late', { id: 'late', n: 1 }))).rejects.toThrow(/closed/);
  });
});
