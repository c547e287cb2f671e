import type { AppContext, ApiModule } from '../core/api-module.js';
import type { Collections } from '../core/store/types.js';

/**
 * `--auto-advance`: whenever the sandbox clock moves, every API's `lifecycle.autoAdvance`
 * progresses what became due. The clock's listeners are synchronous, so runs are chained on one
 * promise; `settled()` lets a caller (the advance endpoint, `reset`) wait until they are done,
 * which keeps the answer of `POST /_sandbox/clock/advance` deterministic.
 *
 * @example
 * const auto = new AutoAdvancer(ctx, API_MODULES);
 * ctx.clock.advance(60);
 * await auto.settled(); // pending NorCap distributions are now processing
 */
export class AutoAdvancer<D extends Collections> {
  private queue: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | undefined;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly ctx: AppContext<D>,
    private readonly modules: readonly ApiModule<D>[],
  ) {
    this.unsubscribe = ctx.clock.onAdvance(() => {
      this.queue = this.queue.then(() => this.runOnce());
    });
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
