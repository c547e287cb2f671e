import { Router, type RequestHandler } from 'express';
import { API_MODULES, type SandboxData } from '../apis/index.js';
import type { AppContext } from '../core/api-module.js';
import { fail } from '../core/errors.js';
import { readAheadRecords } from '../core/store/read-ahead.js';
import { holdClaimAhead } from '../core/idempotency/middleware.js';
import { currentScope } from '../workspaces/current.js';
import { runOnCopy } from './run-on-copy.js';
import { requestValidation } from '../core/validation.js';
import { ControlAccess, requireAdmin } from './admin-access.js';
import { AutoAdvancer } from './auto-advance.js';
import { CoverageTracker } from './coverage.js';
import { injectFaults, type Sleep } from './fault-injection.js';
import { FaultRegistry, localFaults, type FaultBook } from './faults.js';
import type { SharedSandboxState } from './shared-state.js';
import { DEFAULT_JOURNAL_SIZE, RequestJournal } from './journal.js';
import { journalObserver } from './observe-requests.js';
import type { RequestObserver } from '../core/pipeline/resolve-request.js';
import { renderFailures } from '../core/pipeline/render-failure.js';
import { renderProblem } from './problem.js';
import { jsonBody } from '../core/pipeline/body.js';
import { coverageRoutes } from './routes/coverage-routes.js';
import { faultRoutes } from './routes/fault-routes.js';
import { journalRoutes } from './routes/journal-routes.js';
import { lifecycleRoutes } from './routes/lifecycle-routes.js';
import { stateRoutes } from './routes/state-routes.js';
import { documentedBound } from '../core/contract/spec.js';

export interface ControlPlaneOptions {
  /** Bearer token the `/_sandbox` controls require (always, once configured). */
  adminToken?: string;
  /** Progress distributions as the clock advances. */
  autoAdvance?: boolean;
  /** How many requests the journal keeps (default 1000). */
  journalSize?: number;
  /** How injected latency waits; a real timer unless a test passes its own. */
  sleep?: Sleep;
  /** Who may use the controls; `new ControlAccess(adminToken)` unless given (a workspace's are checked at its door). */
  access?: ControlAccess;
  /**
   * With `--database`: the clock, faults, resets and auto-advance every instance shares
   * (`src/backends/postgres/shared-state.ts`). Absent, all of it lives in this process, as before.
   */
  shared?: SharedSandboxState;
}

/**
 * The sandbox's own services and the request-pipeline pieces behind them: `observer` (journal
 * and coverage, told of every request by the door), `controls` (the `/_sandbox` API, which the
 * app hands its requests) and `injectFaults` (the first step of each API's pipeline).
 */
export interface ControlPlane {
  journal: RequestJournal;
  faults: FaultBook;
  coverage: CoverageTracker;
  access: ControlAccess;
  /** Moves the clock and waits for auto-advance to settle. */
  advanceClock(seconds: number): Promise<Date>;
  /** Fixtures back, no faults, empty journal, zero coverage, clock offset zero. */
  reset(): Promise<void>;
  /** Lets a running auto-advance finish, then stops listening to the clock. */
  stop(): Promise<void>;
  observer: RequestObserver;
  controls: RequestHandler;
  /** The first step of each API's pipeline (with shared state: the refresh, then the faults). */
  injectFaults: RequestHandler;
  /** Whether `injectFaults` fetches each request's read-ahead (with shared state). */
  readsAhead: boolean;
}

/**
 * Builds the control plane over the app's context.
 *
 * @example
 * const control = createControlPlane(ctx, { adminToken: 's3cret', autoAdvance: true });
 * const app = createApp(ctx, { control });
 * await control.advanceClock(60);
 */
export function createControlPlane(ctx: AppContext<SandboxData>, options: ControlPlaneOptions = {}): ControlPlane {
  const journal = new RequestJournal(options.journalSize ?? DEFAULT_JOURNAL_SIZE);
  const shared = options.shared;
  const faults = shared?.faults ?? localFaults(new FaultRegistry(API_MODULES.flatMap((api) => api.mountPaths)));
  const coverage = new CoverageTracker(
    API_MODULES.map((api) => api.name),
    ctx.clock,
  );
  const access = options.access ?? new ControlAccess(options.adminToken);
  // Shared: one instance at a time runs auto-advance, on the shared clock; a wall-clock tick
  // skips while another instance runs, a clock advance waits its turn (its moves must land).
  const exclusive = shared && ((run: () => Promise<void>, wait: boolean) => shared.exclusive(async () => (await shared.refresh(), await run()), wait));
  const autoAdvancer = options.autoAdvance ? new AutoAdvancer(ctx, API_MODULES, exclusive ? { exclusive } : {}) : undefined;
  if (shared) {
    // Another instance's reset: a journal and coverage kept per instance start over here too (a shared journal needs not: shareJournal drops this).
    shared.onReset = () => {
      journal.clear();
      coverage.reset();
    };
  }

  async function advanceClock(seconds: number): Promise<Date> {
    if (ctx.clock.nowMs() + seconds * 1000 > LATEST_INSTANT_MS) {
      fail({
        kind: 'validation',
        status: 400,
        field: 'seconds',
        message: `the sandbox clock cannot go past ${new Date(LATEST_INSTANT_MS).toISOString()} (it reads ${ctx.clock.now().toISOString()}); POST /_sandbox/reset to start over`,
      });
    }
    const now = ctx.clock.advance(seconds);
    await shared?.flush(); // every instance's next request sees it
    await autoAdvancer?.settled();
    return now;
  }

  async function reset(): Promise<void> {
    // A run still writing would land on top of the fresh fixtures; let it finish first.
    await autoAdvancer?.settled().catch(() => undefined);
    await ctx.store.reset();
    if (shared) await shared.reset(); // faults and clock offset, for every instance
    else {
      await faults.clear();
      ctx.clock.resetOffset();
    }
    journal.clear();
    coverage.reset();
  }

  // With shared state, every API and control request first adopts the shared clock and faults.
  const refreshShared: RequestHandler | undefined =
    shared &&
    async function refreshSharedState(_req, _res, next) {
      await shared.refresh();
      next();
    };
  const inject = injectFaults(faults, options.sleep);
  const readAheadOf = new Map(API_MODULES.flatMap((api) => (api.readAhead ? [[api.name, api.readAhead] as const] : [])));

  const router = Router();
  router.use(requireAdmin(access));
  if (refreshShared) router.use(refreshShared);
  router.use(jsonBody(`${documentedBound('sandbox', 'controlBodyLimitBytes')}b`));
  router.use(requestValidation('sandbox'));
  router.use(stateRoutes({ clock: ctx.clock, reset, advanceClock }));
  router.use(faultRoutes(faults));
  router.use(journalRoutes(journal));
  router.use(coverageRoutes(coverage));
  router.use(lifecycleRoutes(ctx, API_MODULES));
  router.use(function noSuchControl(req) {
    fail({ kind: 'not_found', status: 404, message: `No route for ${req.method} ${req.path}` });
  } satisfies RequestHandler);
  router.use(renderFailures(renderProblem));

  return {
    journal,
    faults,
    coverage,
    access,
    advanceClock,
    reset,
    async stop() {
      autoAdvancer?.stop(); // no new run from here on…
      await autoAdvancer?.settled().catch(() => undefined); // …and the last one's writes land before the store closes
    },
    observer: journalObserver({ journal, coverage, clock: ctx.clock }),
    controls: router,
    readsAhead: shared !== undefined,
    injectFaults: shared
      ? async function refreshThenInjectFaults(req, res, next) {
          // The records the request will read come in the same statement (see ReadAhead).
          const state = res.locals.request;
          const plan = (state.operation && readAheadOf.get(state.operation.api)?.(req, state.operation)) || {};
          if (state.onCopy) state.onCopy.undo(); // run again: the copy it ran on was stale
          else if (!plan.records?.length && !plan.page && !plan.claim && req.headers['idempotency-key'] === undefined) {
            // Nothing to read with the shared state: this instance's copy, while current, saves
            // the read (a keyed request reads: its claim must never be taken twice).
            const scope = currentScope();
            const version = scope && shared.cachedVersion();
            if (scope && version !== undefined) {
              state.onCopy = runOnCopy(res, scope, shared, version, next);
              return inject(req, res, next);
            }
          }
          const found = await shared.refresh(plan);
          if (plan.records && plan.records.length > 0) state.readAhead = readAheadRecords(plan.records, found.records);
          if (plan.page) state.pageAhead = { ahead: plan.page, found: found.page };
          if (plan.claim) {
            state.claimAhead = { ahead: plan.claim, result: found.claim, adopted: false };
            if (found.claim?.state === 'claimed') holdClaimAhead(res, ctx.store, plan.claim);
          }
          return inject(req, res, next);
        }
      : inject,
  };
}

/**
 * Sandbox time stops at the end of year 9999: the APIs write four-digit years (NorCap's
 * `YYYY-MM-DD HH:MM:SS`), and much further on a JavaScript date is no longer valid at all.
 */
const LATEST_INSTANT_MS = Date.parse('9999-12-31T23:59:59Z');
