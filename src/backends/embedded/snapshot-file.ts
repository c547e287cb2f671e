import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { JSONFile, TextFile } from 'lowdb/node';
import type { Collections } from '../../core/store/types.js';

/** Marks a file as this sandbox's state, so `--data` never mistakes some other JSON for it. */
export const SNAPSHOT_FORMAT = 'fund-distribution-sandbox/1';

/**
 * The snapshot file: the whole state as of journal sequence number `seq`. Journal lines with a
 * sequence number at or below `seq` are already in `data` and are skipped on replay.
 */
export interface Snapshot<D extends Collections = Collections> {
  format: typeof SNAPSHOT_FORMAT;
  seq: number;
  data: D;
}

/**
 * Serializes a snapshot now. Done separately from writing so the caller fixes the instant the
 * state is captured (the sequence number and the data must agree) and learns its size.
 *
 * @example
 * const text = serializeSnapshot(7, { things: {} }); // '{"format":"fund-distribution-sandbox/1","seq":7,...}'
 */
export function serializeSnapshot(seq: number, data: Collections): string {
  const snapshot: Snapshot = { format: SNAPSHOT_FORMAT, seq, data };
  return `${JSON.stringify(snapshot)}\n`;
}

/**
 * Reads the snapshot with lowdb's `JSONFile` adapter; undefined when the file does not exist.
 *
 * @example
 * const snapshot = await readSnapshot('/tmp/sandbox.json'); // { format, seq, data } | undefined
 */
export async function readSnapshot<D extends Collections>(file: string): Promise<Snapshot<D> | undefined> {
  let raw: unknown;
  try {
    raw = await new JSONFile<unknown>(file).read();
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (raw === null) return undefined;
  if (!isSnapshot(raw)) throw new Error(`${file} is not a sandbox data file (expected {"format":"${SNAPSHOT_FORMAT}","seq":…,"data":{…}})`);
  return raw as Snapshot<D>;
}

function isSnapshot(value: unknown): value is Snapshot {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Snapshot>;
  return v.format === SNAPSHOT_FORMAT && Number.isSafeInteger(v.seq) && typeof v.data === 'object' && v.data !== null;
}

/**
 * Replaces the snapshot so that a crash at any instant leaves either the old file or the new
 * one, never a torn one, and the new one survives power loss once this resolves:
 * lowdb's `TextFile` writer (steno: temp file + rename, the adapter `JSONFile` writes through)
 * puts the text at `FILE.next`, which is fsynced, renamed over `FILE`, and the directory is
 * fsynced so the rename itself is durable. steno alone renames before any fsync, which after a
 * power cut can leave an empty file; the extra step closes that window.
 *
 * @example
 * await writeSnapshot('/tmp/sandbox.json', serializeSnapshot(7, state));
 */
export async function writeSnapshot(file: string, text: string): Promise<void> {
  const next = `${file}.next`;
  await new TextFile(next).write(text);
  await fsyncPath(next);
  await rename(next, file);
  await fsyncPath(dirname(file));
}

/** Removes a half-written `FILE.next` left by a crash mid-snapshot (the real snapshot is intact). */
export async function removeLeftovers(file: string): Promise<void> {
  await rm(`${file}.next`, { force: true });
}

/** fsync on a path (a file, or a directory after a rename or create in it). */
export async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
