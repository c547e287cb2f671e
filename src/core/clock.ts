/**
 * The one sandbox clock behind everything time-based: token expiry, idempotency retention,
 * timestamps and lifecycle progression. Time is the wall clock plus an offset that
 * `advance()` grows, or, when `frozenAt` is given, a fixed instant that only `advance()` moves
 * (tests use that for byte-stable timestamps).
 *
 * @example
 * const clock = new SandboxClock({ frozenAt: new Date('2024-04-20T00:00:00Z') });
 * clock.advance(3601);
 * clock.now().toISOString(); // '2024-04-20T01:00:01.000Z'
 */
export interface ClockOptions {
  /** Freeze time at this instant; only `advance()` moves it. */
  frozenAt?: Date;
}

/** The clock's offset and freeze, as instances share them. */
export interface SharedClockState {
  offsetMs: number;
  /** The frozen instant, or null for the wall clock. */
  frozenAtMs: number | null;
}

export type ClockListener = (now: Date, advancedBySeconds: number) => void;

export class SandboxClock {
  private offsetMs = 0;
  private frozenAtMs: number | undefined;
  private readonly listeners = new Set<ClockListener>();

  constructor(options: ClockOptions = {}) {
    this.frozenAtMs = options.frozenAt?.getTime();
  }

  /** Milliseconds since the epoch, sandbox time. */
  nowMs(): number {
    return (this.frozenAtMs ?? Date.now()) + this.offsetMs;
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  get frozen(): boolean {
    return this.frozenAtMs !== undefined;
  }

  /** Seconds the sandbox runs ahead of its base (wall clock or frozen instant). */
  get offsetSeconds(): number {
    return this.offsetMs / 1000;
  }

  /** Moves sandbox time forward and tells every listener (lifecycle auto-advance listens). */
  advance(seconds: number): Date {
    if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError('seconds must be a non-negative number');
    this.offsetMs += seconds * 1000;
    const now = this.now();
    for (const listener of this.listeners) listener(now, seconds);
    return now;
  }

  /** Back to the base time (used by reset). */
  resetOffset(): void {
    this.offsetMs = 0;
  }

  /**
   * Takes on a state decided elsewhere, without telling the listeners: with `--database` the
   * clock every instance shares is read from PostgreSQL before each request
   * (`src/backends/postgres/shared-state.ts`), and reads here stay synchronous.
   */
  adopt(state: SharedClockState): void {
    this.offsetMs = state.offsetMs;
    this.frozenAtMs = state.frozenAtMs ?? undefined;
  }

  /** The state `adopt` takes: what an instance shares of its clock. */
  get state(): SharedClockState {
    return { offsetMs: this.offsetMs, frozenAtMs: this.frozenAtMs ?? null };
  }

  onAdvance(listener: ClockListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
