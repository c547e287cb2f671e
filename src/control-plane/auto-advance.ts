import type { AppContext, ApiModule } from '../core/api-module.js';
import type { Collections } from '../core/store/types.js';

/** Starts a repeating timer and returns how to stop it. */
export type Every = (ms: number, run: () => void) => () => void;

export interface AutoAdvancerOptions {
  /**
   * How often (milliseconds) distributions are progressed while the sandbox clock runs on the
   * wall clock, which moves sandbox time without any `advance()`. Default 1000. A frozen clock
   * moves only by `advance()`, and then no timer runs.
   */
  tickMs?: number;
  /** The repeating timer; a real, unref'd `setInterval` unless a test passes one it drives. */
  every?: Every;
  /**
   * Runs each run under a lock many instances share (`--database`): `wait` is true for a run a
   * clock advance asked for (it must happen), false for a tick (skipped while another instance runs).
   */
  exclusive?: (run: () => Promise<void>, wait: boolean) => Promise<void>;
}

const realEvery: Every = (ms, run) => {
  const timer = setInterval(run, ms);
  timer.unref(); // never what keeps the process alive
  return () => clearInterval(timer);
};

/**
 * `--auto-advance`: whenever sandbox time moves, every API's `lifecycle.autoAdvance`
 * progresses what became due. Time moves in two ways: `clock.advance()` (the control API, the
 * library), and, unless the clock is frozen, the wall clock itself, which a timer follows.
 * The clock's listeners are synchronous, so runs are chained on one promise; `settled()` lets a
 * caller (the advance endpoint, `reset`) wait until they are done, which keeps the answer of
 * `POST /_sandbox/clock/advance` deterministic.
 *
 * @example
 * const auto = new AutoAdvancer(ctx, API_MODULES);
 * ctx.clock.advance(60);
 * await auto.settled(); // pending NorCap distributions are now processing
 */
export class AutoAdvancer<D extends Collections> {
  private queue: Promise<void> = Promise.resolve();
  /** Runs queued or under way: a tick adds none while one is pending, so they never pile up. */
  private pending = 0;
  private failure: { error: unknown } | undefined;
  private readonly unsubscribe: () => void;
  private readonly stopTicking: (() => void) | undefined;
  private readonly exclusive: AutoAdvancerOptions['exclusive'];

  constructor(
    private readonly ctx: AppContext<D>,
    private readonly modules: readonly ApiModule<D>[],
    options: AutoAdvancerOptions = {},
  ) {
    this.exclusive = options.exclusive;
    this.unsubscribe = ctx.clock.onAdvance(() => this.schedule(true));
    if (!ctx.clock.frozen) {
      this.stopTicking = (options.every ?? realEvery)(options.tickMs ?? 1000, () => {
        if (this.pending === 0) this.schedule(false);
      });
    }
  }

  /** Resolves once every run triggered so far is done; rejects with the first error since the last call. */
  async settled(): Promise<void> {
    await this.queue;
    const failure = this.failure;
    this.failure = undefined;
    if (failure) throw failure.error;
  }

  stop(): void {
    this.unsubscribe();
    this.stopTicking?.();
  }

  private schedule(asked: boolean): void {
    this.pending += 1;
    this.queue = this.queue.then(async () => {
      try {
        if (!this.exclusive) await this.runOnce();
        else await this.exclusive(() => this.runOnce(), asked).catch((error: unknown) => void (this.failure ??= { error }));
      } finally {
        this.pending -= 1;
      }
    });
  }

  private async runOnce(): Promise<void> {
    for (const api of this.modules) {
      try {
        await api.lifecycle?.autoAdvance?.(this.ctx);
      } catch (error) {
        this.failure ??= { error };
      }
    }
  }
}
