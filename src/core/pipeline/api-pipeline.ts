import { Router } from 'express';
import type { ApiModule, AppContext, RouterOptions } from '../api-module.js';
import { strictResponses } from '../contract/strict.js';
import type { Collections } from '../store/types.js';
import { renderFailures } from './render-failure.js';
import type { RequestHandler } from 'express';

export interface PipelineOptions extends RouterOptions {
  /** CORS, first of all: a preflight is answered before faults or authentication could refuse it. */
  cors?: RequestHandler;
  /** Armed faults, applied first (`injectFaults` over the control plane's registry). */
  faults: RequestHandler;
  /** Check every JSON answer against the spec (`--strict`). */
  strict: boolean;
}

/**
 * One API's whole request path, in the order a request walks it:
 *
 * 0. CORS (`--no-cors` drops it), answering preflights;
 * 1. faults (the sandbox's injected failures and latency);
 * 2. `--strict` wraps `res.json` so each answer is checked against the spec on its way out;
 * 3. the API's own router: authentication, then the body, then validation, then the handler
 *    (`src/apis/<api>/index.ts` lists its steps);
 * 4. the API's error envelope, for whatever any step threw.
 *
 * @example
 * const norcap = apiPipeline(norcapApi, ctx, { bodyLimit: '1mb', faults: injectFaults(registry), strict: false });
 */
export function apiPipeline<D extends Collections>(api: ApiModule<D>, ctx: AppContext<D>, options: PipelineOptions): Router {
  const router = Router({ caseSensitive: true });
  if (options.cors) router.use(options.cors);
  router.use(options.faults);
  if (options.strict) router.use(strictResponses(api));
  router.use(api.router(ctx, { bodyLimit: options.bodyLimit, ...(options.maxIdempotencyKeys !== undefined && { maxIdempotencyKeys: options.maxIdempotencyKeys }) }));
  router.use(renderFailures((failure, path) => api.renderError(failure, { path })));
  return router;
}
