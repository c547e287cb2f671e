import type { RequestHandler } from 'express';
import type { ApiModule, AppContext, RouterOptions } from '../api-module.js';
import { strictResponses } from '../contract/strict.js';
import type { Collections } from '../store/types.js';
import { readBodyAhead } from './body.js';
import { renderFailures } from './render-failure.js';
import { inOrder, type Step } from './steps.js';
import { StaleSharedStateError } from '../store/assumed-state.js';

export interface PipelineOptions extends RouterOptions {
  /** CORS, first of all: a preflight is answered before faults or authentication could refuse it. */
  cors?: RequestHandler;
  /** Armed faults, applied first (`injectFaults` over the control plane's registry). */
  faults: RequestHandler;
  /** Check every JSON answer against the spec (`--strict`). */
  strict: boolean;
  /** Whether `faults` fetches the API's read-ahead with the shared state (`--database`): the body a read-ahead needs is then read before it. */
  readsAhead?: boolean;
}

/**
 * One API's whole request path, one straight list of named steps per mount path, run by one
 * handler (`inOrder`), in the order a request walks it:
 *
 * 0. CORS (`--no-cors` drops it), answering preflights; with `--database`, the body of a
 *    request whose read-ahead needs it (`ApiModule.bodyAhead`; its errors answered in step 3);
 * 1. faults (the sandbox's injected failures and latency; with `--database`, the shared state
 *    read first, or this instance's copy of it used, and the request run again from here when
 *    that copy proves stale: `AssumedSharedState`);
 * 2. `--strict` wraps `res.json` so each answer is checked against the spec on its way out;
 * 3. the API's own steps for the mount (`api.steps`): authentication, the body, validation,
 *    the handler of the operation the door resolved (`src/apis/<api>/index.ts` lists them);
 * 4. the API's error envelope, for whatever any step threw.
 *
 * @example
 * const norcap = apiPipeline(norcapApi, ctx, { bodyLimit: '1mb', faults: injectFaults(registry), strict: false });
 */
export function apiPipeline<D extends Collections>(api: ApiModule<D>, ctx: AppContext<D>, options: PipelineOptions): RequestHandler {
  const bodyAhead = options.readsAhead && api.bodyAhead?.bind(api);
  const first: Step[] = [
    ...(options.cors ? [options.cors] : []),
    ...(bodyAhead ? [readBodyAhead(options.bodyLimit, (req, res) => res.locals.request.operation !== undefined && bodyAhead(req, res.locals.request.operation))] : []),
    options.faults,
    ...(options.strict ? [strictResponses(api)] : []),
  ];
  const envelope = renderFailures((failure, path) => api.renderError(failure, { path }));
  const own = api.steps(ctx, { bodyLimit: options.bodyLimit, ...(options.maxIdempotencyKeys !== undefined && { maxIdempotencyKeys: options.maxIdempotencyKeys }) });
  const lines = api.mountPaths.map((mount) => {
    const steps = own[mount];
    if (!steps) throw new Error(`${api.name} has no steps for its mount path ${mount}`);
    // A request that ran on a stale copy of the shared state wrote nothing: it runs again from the faults step, on a fresh read.
    return { mount, run: inOrder([...first, ...steps], envelope, { from: options.faults, when: (error) => error instanceof StaleSharedStateError }) };
  });
  return function apiRequestPath(req, res, next) {
    const path = req.path;
    const line = lines.find(({ mount }) => path === mount || path.startsWith(`${mount}/`));
    if (!line) return next();
    return line.run(req, res, next);
  };
}
