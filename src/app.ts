import express, { type ErrorRequestHandler, type Express, type RequestHandler, type Router } from 'express';
import type { AppContext } from './core/api-module.js';
import { toFailure } from './core/errors.js';
import { API_MODULES, apiForPath, type SandboxData } from './apis/index.js';
import type { ApiName } from './core/contract/spec.js';

export interface AppOptions {
  /** Largest request body accepted, e.g. `1mb`. */
  bodyLimit?: string;
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
  app.set('query parser', 'extended'); // qs: filter[status][]=a → { filter: { status: ['a'] } }

  app.get('/healthz', function healthz(_req, res) {
    res.status(200).json({ status: 'ok' });
  });

  const routers = new Map<ApiName, Router>();
  for (const api of API_MODULES) {
    const router = express.Router();
    router.use(express.json({ limit: options.bodyLimit ?? '1mb', type: ['application/json', 'application/*+json'] }));
    router.use(api.router(ctx));
    routers.set(api.name, router);
  }
  app.use(function dispatchToApi(req, res, next) {
    const api = apiForPath(req.path);
    if (!api) return next();
    return (routers.get(api.name) as Router)(req, res, next);
  } satisfies RequestHandler);

  app.use(function notFound(req, res) {
    res.status(404).type('application/problem+json').json({ type: 'about:blank', title: 'Not Found', status: 404, detail: `No route for ${req.method} ${req.path}` });
  } satisfies RequestHandler);

  app.use(renderErrors);
  return app;
}

/**
 * The one error handler: whatever was thrown becomes a `Failure`, and the API that owns the
 * path renders it in its own envelope. Installed last, after every route, as
 * express-openapi-validator requires.
 */
const renderErrors: ErrorRequestHandler = function renderErrors(error, req, res, _next) {
  const failure = toFailure(error);
  if (failure.kind === 'internal') res.locals.internalError = error;
  const api = apiForPath(req.path);
  if (res.headersSent) return;
  if (!api) {
    res.status(failure.status).type('application/problem+json').json({ type: 'about:blank', title: failure.kind, status: failure.status, detail: failure.message });
    return;
  }
  const rendered = api.renderError(failure);
  if (rendered.headers) res.set(rendered.headers);
  res.status(rendered.status).json(rendered.body);
};
