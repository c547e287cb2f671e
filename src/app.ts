import express, { type ErrorRequestHandler, type Express, type RequestHandler, type Router } from 'express';
import type { AppContext } from './core/api-module.js';
import { toFailure } from './core/errors.js';
import { API_MODULES, apiForPath, operationOf, type SandboxData } from './apis/index.js';
import type { ApiName } from './core/contract/spec.js';
import { strictResponses } from './core/contract/strict.js';
import { requestLogging, type Logger, type RequestLabel } from './core/logging.js';
import { docsRouter } from './docs/docs-router.js';
import { createControlPlane, type ControlPlane } from './sandbox/control-plane.js';
import { sendProblem } from './sandbox/problem.js';

export interface AppOptions {
  /** Largest request body accepted, e.g. `1mb`. */
  bodyLimit?: string;
  /** Check every API response against its spec; a drifting one becomes a 500 naming the violation. */
  strict?: boolean;
  /** One JSON line per request goes here; none when absent. */
  logger?: Logger;
  /** The `/_sandbox` controls, journal, coverage and faults; `createSandbox` passes its own. */
  control?: ControlPlane;
}

/**
 * Builds the express app over an already opened context. It never listens: tests hand it to
 * supertest, `createSandbox().start()` serves it.
 *
 * @example
 * const app = createApp(context);
 * await request(app).get('/healthz').expect(200);
 */
export function createApp(ctx: AppContext<SandboxData>, options: AppOptions = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // No body is ever to be sniffed into something else (a JSON error read as HTML, say).
  app.use((_req, res, next) => void (res.setHeader('X-Content-Type-Options', 'nosniff'), next()));
  app.set('query parser', 'extended'); // qs: filter[status][]=a → { filter: { status: ['a'] } }
  if (options.logger) app.use(requestLogging(options.logger, labelRequest));

  app.get('/healthz', function healthz(_req, res) {
    res.status(200).json({ status: 'ok' });
  });
  app.use(docsRouter(new Map(API_MODULES.map((api) => [api.name, api.mountPaths]))));

  // Journal and coverage first (they record on `finish`), then the controls, then faults, which
  // must answer before any API router (and so before Nova's idempotency store) sees the request.
  const control = options.control ?? createControlPlane(ctx);
  app.use(control.observe);
  app.use(control.controls);
  app.use(control.injectFaults);

  const routers = new Map<ApiName, Router>();
  const bodyLimit = options.bodyLimit ?? '1mb';
  for (const api of API_MODULES) {
    const router = express.Router();
    if (options.strict) router.use(strictResponses(api));
    router.use(express.json({ limit: bodyLimit, type: ['application/json', 'application/*+json'] }));
    router.use(api.router(ctx, { bodyLimit }));
    routers.set(api.name, router);
  }
  app.use(function dispatchToApi(req, res, next) {
    const api = apiForPath(req.path);
    if (!api) return next();
    // HEAD is GET without a body (RFC 9110 §9.3.2). The specs document GET only, so HEAD is run
    // as GET; Node already knows the request was HEAD and sends the headers alone.
    if (req.method === 'HEAD') req.method = 'GET';
    return (routers.get(api.name) as Router)(req, res, next);
  } satisfies RequestHandler);

  app.use(function notFound(req, res) {
    sendProblem(res, { status: 404, message: `No route for ${req.method} ${req.path}` });
  } satisfies RequestHandler);

  app.use(renderErrors);
  return app;
}

/** The API and documented operation a request hit, for its log line. */
function labelRequest(method: string, path: string): RequestLabel {
  const { api, operation } = operationOf(method, path);
  return { api, operation: operation?.operationId ?? null };
}

/**
 * The one error handler: whatever was thrown becomes a `Failure`, and the API that owns the
 * path renders it in its own envelope. Installed last, after every route, as
 * express-openapi-validator requires.
 */
const renderErrors: ErrorRequestHandler = function renderErrors(error, req, res, _next) {
  const failure = toFailure(error);
  res.locals.failure = failure; // the request journal reads why a request failed
  if (failure.kind === 'internal') res.locals.internalError = error;
  const api = apiForPath(req.path);
  if (res.headersSent) return;
  if (!api) {
    sendProblem(res, failure); // the /_sandbox controls and paths no API owns
    return;
  }
  let rendered: ReturnType<typeof api.renderError>;
  try {
    rendered = api.renderError(failure, req);
  } catch (renderFailure) {
    // A renderer bug must still answer, never hang or leak a stack: a plain problem 500.
    res.locals.internalError = renderFailure;
    sendProblem(res, { status: 500, message: 'internal error' });
    return;
  }
  if (rendered.headers) res.set(rendered.headers);
  res.status(rendered.status).json(rendered.body);
};
