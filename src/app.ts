import express, { type Express, type Request, type RequestHandler, type Response, type Router } from 'express';
import type { AppContext } from './core/api-module.js';
import { apiCors } from './core/cors.js';
import { fail } from './core/errors.js';
import { API_MODULES, apiForPath, type SandboxData } from './apis/index.js';
import type { ApiName } from './core/contract/spec.js';
import { requestLog, type Logger } from './core/logging.js';
import { apiPipeline } from './core/pipeline/api-pipeline.js';
import { inOrder, passErrorOn, type Step } from './core/pipeline/steps.js';
import { renderFailures } from './core/pipeline/render-failure.js';
import { resolveRequest, type RequestObserver } from './core/pipeline/resolve-request.js';
import { docsRouter } from './docs/docs-router.js';
import { createControlPlane, type ControlPlane } from './control-plane/control-plane.js';
import { renderProblem, sendProblem } from './control-plane/problem.js';
import { documentedBound } from './core/contract/spec.js';

/** The request body limit without `bodyLimit` (`--body-limit`): the one openapi/nova.yaml documents. */
export const DEFAULT_BODY_LIMIT = `${documentedBound('nova', 'bodyLimitBytes')}b`;

export interface AppOptions {
  /** Largest request body accepted, e.g. `1mb`. */
  bodyLimit?: string;
  /** Most idempotency answers each store keeps (default 10,000). */
  maxIdempotencyKeys?: number;
  /** Check every API response against its spec; a drifting one becomes a 500 naming the violation. */
  strict?: boolean;
  /** Where log lines go; none when absent. */
  logger?: Logger;
  /** Log server errors only, no line per request (`--quiet`). */
  quiet?: boolean;
  /** The `/_sandbox` controls, journal, coverage and faults; `createSandbox` passes its own. */
  control?: ControlPlane;
  /** CORS on the mocked APIs (any origin; never the `/_sandbox` controls). Default on; `false` turns it off. */
  cors?: boolean;
  /** Runs before the door: the workspaces' (`src/workspaces/door.ts`), which scopes the whole request to one workspace. */
  enter?: RequestHandler;
  /** Whether the state can answer now (`--database`: a trivial query); `/healthz` answers 503 when not. Absent: always ready. */
  ready?: () => Promise<boolean>;
}

/**
 * Builds the express app over an already opened context. It never listens: tests hand it to
 * supertest, `createSandbox().start()` serves it.
 *
 * The route table, in the order a request meets it:
 *
 * | step | what |
 * | --- | --- |
 * | `noSniff` | `X-Content-Type-Options: nosniff` on every answer |
 * | `enter` | the workspace door (and the console's tap and routes), when given |
 * | `resolveRequest` | which API and documented operation, once; observers (log, journal, coverage) told |
 * | `route`: `GET /healthz` | readiness |
 * | `route`: `/_sandbox/*` | the control plane, answering problem+json |
 * | `route`: each API's prefix | its pipeline (`apiPipeline`, one list of named steps per mount): CORS → faults → authentication → body → validation → the operation's handler → its envelope |
 * | `route`: docs | `/`, `/docs/*`, `/openapi/*` |
 * | anything else | 404 problem+json |
 *
 * @example
 * const app = createApp(context);
 * await request(app).get('/healthz').expect(200);
 */
export function createApp(ctx: AppContext<SandboxData>, options: AppOptions = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'extended'); // qs: filter[status][]=a → { filter: { status: ['a'] } }

  const control = options.control ?? createControlPlane(ctx);
  const observers: RequestObserver[] = [control.observer];
  if (options.logger) observers.push(requestLog(options.logger, { requestLines: !options.quiet }));

  const ready = options.ready;
  const healthz: Step = async function healthz(_req, res) {
    if (ready && !(await ready())) res.status(503).json({ status: 'unavailable' });
    else res.status(200).json({ status: 'ok' });
  };
  const docs = docsRouter(new Map(API_MODULES.map((api) => [api.name, api.mountPaths])));
  const cors = apiCors();
  const pipelines = new Map<ApiName, Router | RequestHandler>([['sandbox', control.controls]]);
  for (const api of API_MODULES) {
    pipelines.set(api.name, apiPipeline(api, ctx, { bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT, ...(options.maxIdempotencyKeys !== undefined && { maxIdempotencyKeys: options.maxIdempotencyKeys }), cors: options.cors === false ? undefined : cors, faults: control.injectFaults, readsAhead: control.readsAhead, strict: options.strict ?? false }));
  }

  /** Where a resolved request goes: the health check, its API's pipeline, the docs, or a 404. */
  const route: Step = function route(req, res, next) {
    if (req.path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) return healthz(req, res, next);
    const api = res.locals.request.api;
    const pipeline = api === null ? undefined : pipelines.get(api);
    if (pipeline) {
      // HEAD is GET without a body (RFC 9110 §9.3.2). The specs document GET only, so HEAD is run
      // as GET; Node already knows the request was HEAD and sends the headers alone.
      if (req.method === 'HEAD') req.method = 'GET';
      return pipeline(req, res, orNotFound(req, next));
    }
    return docs(req, res, orNotFound(req, next));
  };

  // One step list, not a layer per `use`: every request walks exactly these, in this order.
  app.use(inOrder([noSniff, ...(options.enter ? [options.enter] : []), resolveRequest(observers), route], passErrorOn));
  // The controls and unknown paths answer problems; an API path lands here only when it failed
  // before reaching its pipeline (the workspace door), and still answers in its API's envelope.
  app.use(renderFailures((failure, path) => apiForPath(path)?.renderError(failure, { path }) ?? renderProblem(failure)));
  answerPathless(app);
  return app;
}

/** No body is ever to be sniffed into something else (a JSON error read as HTML, say). */
const noSniff: Step = function noSniff(_req, res, next) {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  next();
};

/** `next` for a step that may leave a request unanswered: what no step answered is a 404. */
function orNotFound(req: Request, next: (error?: unknown) => void): (error?: unknown) => void {
  return (error) => {
    if (error !== undefined && error !== null) return next(error);
    try {
      fail({ kind: 'not_found', status: 404, message: `No route for ${req.method} ${req.path}` });
    } catch (notFound) {
      next(notFound);
    }
  };
}

/**
 * A request-target with no path of its own (`//#@0`: `url.parse` reads what follows `//` as a
 * host) leaves express's router nothing to match, so it skips every layer — the 404 step and the
 * error renderer included — and finalhandler would answer an HTML page. Such a request gets a
 * 400 problem instead; express calls the callback given to `app.handle` only for what fell out
 * of the router.
 */
function answerPathless(app: Express): void {
  const routed = app as Express & { handle(req: Request, res: Response, done?: (error?: unknown) => void): void };
  const handle = routed.handle.bind(app);
  routed.handle = function handle_(req, res, done) {
    handle(req, res, done ?? (() => sendProblem(res, { status: 400, message: `the request-target ${JSON.stringify(req.url.slice(0, 200))} has no path` })));
  };
}
