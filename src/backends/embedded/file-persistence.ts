import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { applyOps } from './embedded-store.js';
import { formatEntry, JournalFile } from './journal-file.js';
import { LockFile } from './lock-file.js';
import { readSnapshot, removeLeftovers, serializeSnapshot, writeSnapshot } from './snapshot-file.js';
import type { Collections, Persistence, StoreOp } from '../../core/store/types.js';

export interface FilePersistenceOptions {
  /**
   * The journal is folded into the snapshot once it holds more than this many bytes and more
   * than the snapshot itself (so the cost of rewriting the snapshot stays proportional to the
   * traffic that made the journal grow). Default 1 MiB.
   */
  compactAfterBytes?: number;
  /**
   * On a journal whose sequence numbers skip (seq N followed by seq M > N + 1): keep the state
   * up to N, drop the lines from the gap on, and report it through `warn`. Without it such a
   * journal stops the start (`--repair-data`). Default false.
   */
  repair?: boolean;
  /** Where a repair is reported. Default: a line on stderr. */
  warn?: (message: string) => void;
}

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

/** Work for the single writer, done in order: it alone touches the journal file. */
type WriterTask =
  | { kind: 'line'; seq: number; text: string; waiter: Waiter }
  | { kind: 'snapshot'; waiter: Waiter } // reset, first start, close: everything up to now
  | { kind: 'restart-journal'; snapshotSeq: number; waiter: Waiter }; // a compaction's snapshot is durable

const DEFAULT_COMPACT_AFTER_BYTES = 1024 * 1024;

/**
 * `--data FILE`: the state in a lowdb JSON snapshot (`FILE`) plus an append-only journal
 * (`FILE.journal`, one JSON line per committed transaction, numbered by `seq`).
 *
 * - **Durable acks**: `append` resolves once its line is fsynced, so an acknowledged write
 *   survives `kill -9` (and power loss).
 * - **Group commit**: appends arriving while an fsync runs share the next write + fsync, so
 *   concurrent requests cost one fsync per batch, not one each, and nothing rewrites the state.
 * - **Atomic snapshots**: see `writeSnapshot` (temp + fsync + rename + directory fsync).
 * - **Compaction**: once the journal outgrows the snapshot, the state is written as a new
 *   snapshot in the background while appends go on; then the journal restarts with only the
 *   lines the snapshot lacks. On load, lines at or below the snapshot's `seq` are skipped, so a
 *   crash between the two steps replays nothing twice and loses nothing.
 *
 * The persistence keeps its own view of the state (`shadow`, the same record objects as the
 * store, applied from the same ops) so compaction needs nothing from the store but `append`.
 *
 * @example
 * const store = await Store.open({ fixtures, persistence: new FilePersistence('./sandbox.json') });
 */
export class FilePersistence<D extends Collections> implements Persistence<D> {
  readonly file: string;
  readonly journalPath: string;
  private readonly compactAfterBytes: number;
  private journal: JournalFile | undefined;
  private lock: LockFile | undefined;
  private shadow: Collections = {};
  private seq = 0;
  private snapshotBytes = 0;
  /** `seq` of the newest durable snapshot. */
  private snapshotSeq = 0;
  private resumedState = false;
  private readonly tasks: WriterTask[] = [];
  private writer: Promise<void> | undefined;
  /** The one snapshot write under way (compaction or exclusive): they never overlap. */
  private snapshotWrite: Promise<void> = Promise.resolve();
  /** The compaction under way: its snapshot write, then the journal restart. */
  private compaction: Promise<void> | undefined;
  /** While a compaction's snapshot is written: journal lines it will not hold, already on disk. */
  private tail: { afterSeq: number; lines: string[] } | undefined;
  private failure: unknown;
  private closing = false;
  private readonly repair: boolean;
  private readonly warn: (message: string) => void;

  constructor(file: string, options: FilePersistenceOptions = {}) {
    this.file = resolve(file);
    this.journalPath = `${this.file}.journal`;
    this.compactAfterBytes = options.compactAfterBytes ?? DEFAULT_COMPACT_AFTER_BYTES;
    this.repair = options.repair ?? false;
    this.warn = options.warn ?? ((message) => process.stderr.write(`${message}\n`));
  }

  /** True when `load` found saved state (a restart), false on a first start. */
  get resumed(): boolean {
    return this.resumedState;
  }

  /** Sequence number of the last transaction: grows with every append, reset and restart. */
  get sequence(): number {
    return this.seq;
  }

  async load(): Promise<D | undefined> {
    await mkdir(dirname(this.file), { recursive: true });
    this.lock = await LockFile.acquire(`${this.file}.lock`);
    try {
      return await this.readSaved();
    } catch (error) {
      await this.journal?.close();
      await this.lock.release();
      throw error;
    }
  }

  private async readSaved(): Promise<D | undefined> {
    await removeLeftovers(this.file);
    const snapshot = await readSnapshot<D>(this.file);
    const { journal, entries } = await JournalFile.open(this.journalPath);
    this.journal = journal;
    if (!snapshot) return undefined; // a journal without its snapshot has no base: the first snapshot truncates it
    this.shadow = snapshot.data;
    this.seq = snapshot.seq;
    for (const [index, entry] of entries.entries()) {
      if (entry.seq <= snapshot.seq) continue; // already in the snapshot (a crash mid-compaction)
      // Every transaction after the snapshot's is in the journal, numbered one after another: a
      // skip means lines are missing, and what follows them was committed on top of them.
      if (entry.seq !== this.seq + 1) {
        const gap = `${this.journalPath}:${index + 1}: journal gap: seq ${this.seq} followed by seq ${entry.seq}`;
        if (!this.repair) throw new Error(`${gap}; start with --repair-data to keep what comes before the gap and drop the rest`);
        const dropped = entries.length - index;
        const kept = entries.slice(0, index).filter((e) => e.seq > snapshot.seq);
        await journal.restartWith(kept.map(formatEntry).join(''));
        this.warn(`${gap}; repaired: kept the state up to seq ${this.seq}, dropped ${dropped} journal line${dropped === 1 ? '' : 's'} from the gap on`);
        break;
      }
      applyOps(this.shadow, entry.ops);
      this.seq = entry.seq;
    }
    this.snapshotBytes = (await stat(this.file)).size;
    this.snapshotSeq = snapshot.seq;
    this.resumedState = true;
    return copyCollections(this.shadow) as D;
  }

  append(ops: readonly StoreOp[]): Promise<void> {
    if (this.closing) return Promise.reject(new Error('the data file is closed'));
    if (this.failure) return Promise.reject(this.failure);
    const seq = ++this.seq;
    applyOps(this.shadow, ops);
    const text = formatEntry({ seq, ops: [...ops] });
    return this.enqueue((waiter) => ({ kind: 'line', seq, text, waiter }));
  }

  replace(data: D): Promise<void> {
    if (this.closing) return Promise.reject(new Error('the data file is closed'));
    if (this.failure) return Promise.reject(this.failure);
    this.shadow = copyCollections(data);
    this.seq++; // everything journaled before is superseded
    return this.enqueue((waiter) => ({ kind: 'snapshot', waiter }));
  }

  /**
   * Resolves once no journal write and no compaction is under way: the files on disk are then
   * exactly what a crash would leave (tests copy them aside at such points).
   */
  async settled(): Promise<void> {
    while (this.writer || this.compaction) {
      await this.writer;
      await this.compaction;
    }
  }

  /** Waits for every pending write, folds the journal into the snapshot and closes the files. */
  async close(): Promise<void> {
    if (this.closing || !this.journal) return;
    const final = this.failure ? Promise.resolve() : this.enqueue((waiter) => ({ kind: 'snapshot', waiter }));
    this.closing = true;
    try {
      await final;
      await this.settled();
    } finally {
      await this.journal.close();
      await this.lock?.release();
    }
  }

  private enqueue(make: (waiter: Waiter) => WriterTask): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.tasks.push(make({ resolve, reject }));
      this.startWriter();
    });
  }

  private startWriter(): void {
    if (this.writer) return;
    this.writer = this.drain().finally(() => {
      this.writer = undefined;
      if (this.tasks.length > 0) this.startWriter(); // queued between the loop's end and now
    });
  }

  private async drain(): Promise<void> {
    for (let task = this.tasks[0]; task; task = this.tasks[0]) {
      if (task.kind === 'line') await this.commitLines();
      else if (task.kind === 'snapshot') await this.settle(this.tasks.shift() as WriterTask, () => this.snapshotNow());
      else await this.settle(this.tasks.shift() as WriterTask, () => this.restartJournal(task.snapshotSeq));
    }
  }

  /** Group commit: every line queued by now goes out in one write and one fsync. */
  private async commitLines(): Promise<void> {
    const batch: Extract<WriterTask, { kind: 'line' }>[] = [];
    while (this.tasks[0]?.kind === 'line') batch.push(this.tasks.shift() as Extract<WriterTask, { kind: 'line' }>);
    const text = batch.map((task) => task.text).join('');
    try {
      if (this.failure) throw this.failure;
      await (this.journal as JournalFile).append(text);
    } catch (error) {
      // A failed write may have left part of the batch in the file: stop appending after it.
      this.failure ??= error;
      for (const task of batch) task.waiter.reject(error);
      return;
    }
    const tail = this.tail;
    if (tail) for (const task of batch) if (task.seq > tail.afterSeq) tail.lines.push(task.text);
    for (const task of batch) task.waiter.resolve();
    this.maybeCompact();
  }

  private async settle(task: WriterTask, work: () => Promise<void>): Promise<void> {
    try {
      if (this.failure) throw this.failure;
      await work();
      task.waiter.resolve();
    } catch (error) {
      this.failure ??= error;
      task.waiter.reject(error);
    }
  }

  /**
   * Exclusive snapshot (reset, first start, close), run by the writer so no line is written
   * meanwhile: the state now, then an empty journal.
   */
  private async snapshotNow(): Promise<void> {
    await this.writeSnapshotOfNow();
    this.tail = undefined; // a compaction still finishing is superseded: its restart is skipped
    await (this.journal as JournalFile).restartWith('');
  }

  /** Captures `seq` and the state in one synchronous step, then writes them; never two at once. */
  private writeSnapshotOfNow(): Promise<number> {
    const run = this.snapshotWrite.then(async () => {
      const seq = this.seq;
      const text = serializeSnapshot(seq, this.shadow);
      this.tail = { afterSeq: seq, lines: [] };
      await writeSnapshot(this.file, text);
      this.snapshotBytes = Buffer.byteLength(text, 'utf8');
      this.snapshotSeq = seq;
      return seq;
    });
    this.snapshotWrite = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private maybeCompact(): void {
    const journal = this.journal as JournalFile;
    if (this.compaction || this.closing || journal.bytes <= Math.max(this.compactAfterBytes, this.snapshotBytes)) return;
    this.compaction = this.writeSnapshotOfNow()
      .then((snapshotSeq) => this.enqueue((waiter) => ({ kind: 'restart-journal', snapshotSeq, waiter })))
      .catch((error: unknown) => {
        this.failure ??= error;
      })
      .finally(() => {
        this.compaction = undefined;
      });
  }

  /** After a compaction's snapshot is durable: keep only the lines it does not hold. */
  private async restartJournal(snapshotSeq: number): Promise<void> {
    const tail = this.tail;
    if (!tail || tail.afterSeq !== snapshotSeq || snapshotSeq < this.snapshotSeq) return; // superseded by a later snapshot
    this.tail = undefined;
    await (this.journal as JournalFile).restartWith(tail.lines.join(''));
  }
}

/** A copy of the collection maps (records shared), so the store and the shadow can diverge safely. */
function copyCollections(data: Collections): Collections {
  const out: Collections = {};
  for (const [name, records] of Object.entries(data)) out[name] = { ...records };
  return out;
}
