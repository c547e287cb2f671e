import type { RequestHandler } from 'express';
import { loadOnce } from '../core/load-once.js';
import { runStep } from '../core/pipeline/steps.js';
import { isSandboxPath } from '../apis/index.js';
import type { ControlAccess } from '../control-plane/admin-access.js';
import type { WorkspaceRegistry } from '../workspaces/registry.js';
import { captureExchanges } from './capture.js';
import { controlEvents } from './control-events.js';
import { FeedRegistry } from './feeds.js';
import { FirstRun } from './first-run.js';
import { mayCarryConsoleCookie } from './guard.js';
import type { ConsoleRouteDeps } from './routes.js';
import { consoleCookie } from './session.js';
import { OpenStreams, type StreamOptions } from './stream.js';

export interface ConsoleOptions {
  /** Heartbeat interval and slow-console bound of the stream. */
  stream?: StreamOptions;
}

export interface SandboxConsole {
  /** Before the workspace door: the console's routes, the exchange tap, the cookie for the controls. */
  beforeDoor: RequestHandler;
  /** After the door (inside the request's workspace scope): feeds made, control calls on the timeline. */
  afterDoor: RequestHandler;
  feeds: FeedRegistry;
  /** The open streams (a bench or a test counts them). */
  streams: OpenStreams;
  /** Ends every open stream: called as the sandbox stops, which waits for every response. */
  close(): void;
}

/**
 * The sandbox console (`/console`): a page showing a workspace's requests live, its records,
 * clock, faults and coverage. Its control buttons call the documented `/_sandbox` API: the
 * page's cookie (HttpOnly, so its script never holds the key) becomes the `Authorization` of
 * same-origin control calls that carry none.
 *
 * @example
 * const console = createConsole({ registry, access, autoAdvance: false });
 * app.use(console.beforeDoor, enterWorkspace(registry), console.afterDoor);
 */
export function createConsole(deps: { registry: WorkspaceRegistry; access: ControlAccess; autoAdvance: boolean; options?: ConsoleOptions }): SandboxConsole {
  const feeds = new FeedRegistry();
  const firstRun = new FirstRun(deps.registry.defaultWorkspace, deps.autoAdvance);
  const streams = new OpenStreams();
  const routes = onFirstUse({ registry: deps.registry, access: deps.access, feeds, firstRun, streams, ...(deps.options?.stream && { stream: deps.options.stream }) });
  const capture = captureExchanges();
  // One step, not a Router: an API request must not walk the console's route table (its sixteen
  // layers were matched against every request's path). Console paths go to the routes, which
  // answer all of them (404 included); every other request is captured, then may carry the
  // console's cookie to the controls.
  const beforeDoor: RequestHandler = function consoleBeforeDoor(req, res, next) {
    if (req.path === '/console' || req.path.startsWith('/console/')) return routes(req, res, next);
    runStep(capture, req, res, (error?: unknown) => {
      if (error !== undefined && error !== null) return next(error);
      if (isSandboxPath(req.path) && req.headers.authorization === undefined) {
        const secret = consoleCookie(req);
        if (secret !== undefined && mayCarryConsoleCookie(deps.access.hosts, req)) req.headers.authorization = `Bearer ${secret}`;
      }
      next();
    });
  };
  return { beforeDoor, afterDoor: controlEvents(feeds), feeds, streams, close: () => streams.closeAll() };
}

/**
 * The console's routes, loaded on the first console request rather than at start: the page,
 * its exports, its stream (with helmet and better-sse) and its assets read from disk were
 * about 20 ms of the 280 ms a start took to its first answer, for a page most runs never open.
 */
function onFirstUse(deps: ConsoleRouteDeps): RequestHandler {
  const built = loadOnce(() => routesModule().then(({ consoleRoutes }) => consoleRoutes(deps)));
  return function consoleRoutesOnFirstUse(req, res, next) {
    built().then((routes) => runStep(routes, req, res, next), next);
  };
}

const routesModule = loadOnce(() => import('./routes.js'));
