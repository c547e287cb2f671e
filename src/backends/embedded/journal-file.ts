import { open, readFile, rename, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fsyncPath } from './snapshot-file.js';
import type { StoreOp } from '../../core/store/types.js';

/** One committed transaction as the journal keeps it: one JSON line. */
export interface JournalEntry {
  seq: number;
  ops: StoreOp[];
}

/**
 * The append-only journal beside the snapshot (`FILE.journal`), one JSON line per transaction.
 * It only appends whole lines and fsyncs them; the policy (group commit, compaction) lives in
 * `FilePersistence`.
 *
 * @example
 * const { journal, entries } = await JournalFile.open('/tmp/sandbox.json.journal');
 * await journal.append(formatEntry({ seq: 1, ops: [] }));
 */
export class JournalFile {
  private constructor(
    readonly path: string,
    private handle: FileHandle,
    /** Bytes in the file now: what compaction weighs against the snapshot. */
    public bytes: number,
  ) {}

  /**
   * Opens (creating) the journal and reads back every complete line. A last line without its
   * newline is what a crash mid-append leaves: it was never acknowledged, so it is dropped and
   * cut from the file, and the next append starts on a clean line.
   */
  static async open(path: string): Promise<{ journal: JournalFile; entries: JournalEntry[] }> {
    const content = await readJournal(path);
    const end = content.lastIndexOf(0x0a) + 1; // just past the last complete line
    const entries = parseLines(path, content.subarray(0, end).toString('utf8'));
    const handle = await open(path, 'a');
    if (end < content.length) {
      await handle.truncate(end);
      await handle.sync();
    }
    if (content.length === 0) await fsyncPath(dirname(path)); // the file may be new: make its name durable
    return { journal: new JournalFile(path, handle, end), entries };
  }

  /** Appends whole lines and resolves once they are on disk (fdatasync). */
  async append(text: string): Promise<void> {
    const buffer = Buffer.from(text, 'utf8');
    let written = 0;
    while (written < buffer.length) {
      const { bytesWritten } = await this.handle.write(buffer, written, buffer.length - written);
      written += bytesWritten;
    }
    await this.handle.datasync();
    this.bytes += buffer.length;
  }

  /**
   * Starts the journal over with just `text` (the lines a new snapshot does not hold yet).
   * Empty: truncate in place. Otherwise a fsynced temp file renamed over the journal, so a
   * crash leaves the old journal or the new one, each holding every line the snapshot lacks.
   */
  async restartWith(text: string): Promise<void> {
    if (text.length === 0) {
      await this.handle.truncate(0);
      await this.handle.sync();
      this.bytes = 0;
      return;
    }
    const temp = `${this.path}.tmp`;
    const tempHandle = await open(temp, 'w');
    try {
      await tempHandle.writeFile(text, 'utf8');
      await tempHandle.sync();
    } finally {
      await tempHandle.close();
    }
    await rename(temp, this.path);
    await fsyncPath(dirname(this.path));
    const old = this.handle;
    this.handle = await open(this.path, 'a');
    this.bytes = Buffer.byteLength(text, 'utf8');
    await old.close();
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** One journal line, newline included. */
export function formatEntry(entry: JournalEntry): string {
  return `${JSON.stringify(entry)}\n`;
}

async function readJournal(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0);
    throw error;
  }
}

function parseLines(path: string, text: string): JournalEntry[] {
  const entries: JournalEntry[] = [];
  const lines = text.split('\n');
  lines.pop(); // the empty string after the final newline
  lines.forEach((line, index) => {
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      // Appends write whole lines, so only the last one can be torn (and it is cut above).
      throw new Error(`${path}:${index + 1}: corrupt journal line`);
    }
    if (!isEntry(entry)) throw new Error(`${path}:${index + 1}: not a journal entry`);
    entries.push(entry);
  });
  return entries;
}

function isEntry(value: unknown): value is JournalEntry {
  const v = value as Partial<JournalEntry> | null;
  return typeof v === 'object' && v !== null && Number.isSafeInteger(v.seq) && Array.isArray(v.ops);
}
