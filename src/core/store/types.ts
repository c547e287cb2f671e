/** The whole state: named collections of records keyed by id (O(1) reads, JSON as it stands). */
export type Collections = Record<string, Record<string, unknown>>;

/** One change to the state; a transaction is a list of them, applied all together or not at all. */
export type StoreOp =
  | { op: 'put'; collection: string; id: string; value: unknown }
  | { op: 'delete'; collection: string; id: string };

/**
 * Where committed transactions go besides memory. The memory store has none; `--data FILE`
 * plugs in a file-backed one (see `src/backends/embedded/file-persistence.ts`).
 */
export interface Persistence<D extends Collections> {
  /** The state saved by an earlier run, or undefined when there is none. */
  load(): Promise<D | undefined>;
  /** Makes one committed transaction durable; resolves only once it would survive `kill -9`. */
  append(ops: readonly StoreOp[]): Promise<void>;
  /** Replaces everything saved with this state (reset, compaction). */
  replace(data: D): Promise<void>;
  /** Flushes whatever is pending and releases the file. */
  close(): Promise<void>;
}
