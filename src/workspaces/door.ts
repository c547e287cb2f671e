import express, { type Request, type RequestHandler } from 'express';
import { isSandboxPath } from '../apis/index.js';
import { TOKEN_PATH } from '../apis/nova/oauth-errors.js';
import { BODY_TOO_LARGE, declaredOver } from '../core/pipeline/body.js';
import { runStep } from '../core/pipeline/steps.js';
import { ApiFailure } from '../core/errors.js';
import type { RequestState } from '../core/pipeline/request-state.js';
import type { ControlPlane } from '../control-plane/control-plane.js';
import { currentScope, runInScope, type WorkspaceScope } from './current.js';
import { WORKSPACE_ID_PATTERN } from './fixtures.js';
import type { Workspace, WorkspaceRegistry } from './registry.js';
import { controlTarget, WORKSPACE_HEADER, WORKSPACE_KEY } from './routes.js';

/** NorCap `Bearer ws_…_norcap:<key>`, a workspace's Nova token `Bearer ws_….<random>`. */
const WORKSPACE_BEARER = /^Bearer\s+(ws_[A-Za-z0-9]{16})[_.]/i;
const WORKSPACE_CLIENT_ID = /^(ws_[A-Za-z0-9]{16})_/;

/**
 * Which workspace a request's credentials name, without checking them (the workspace's own
 * store does that, as for the default workspace): NorCap's client id, a Nova token's prefix, a
 * Nova client id in HTTP Basic, a workspace key or `X-Sandbox-Workspace` on the controls.
 * Undefined for everything else: the default workspace.
 */
function namedWorkspace(req: Request, controls: boolean): string | undefined {
  const authorization = req.headers.authorization;
  if (authorization !== undefined) {
    if (controls) {
      const key = WORKSPACE_KEY.exec(authorization);
      if (key) return `ws_${key[2]}`;
    } else {
      const bearer = WORKSPACE_BEARER.exec(authorization);
      if (bearer) return bearer[1];
      if (/^Basic\s/i.test(authorization)) return WORKSPACE_CLIENT_ID.exec(Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8'))?.[1];
    }
  }
  return controls ? req.get(WORKSPACE_HEADER) : undefined;
}

/**
 * The door to the workspaces, before everything else: finds the request's workspace once and
 * runs the rest of the request in its scope. A name that is no workspace falls back to the
 * default one, whose store then answers 401 as for any unknown credential.
 *
 * @example
 * app.use(enterWorkspace(registry)); // then resolveRequest, the pipelines…
 */
export function enterWorkspace(registry: WorkspaceRegistry): RequestHandler {
  return function enterWorkspace(req, _res, next) {
    const controls = isSandboxPath(req.path);
    const id = namedWorkspace(req, controls);
    if (id === undefined || !WORKSPACE_ID_PATTERN.test(id)) {
      runInScope({ workspace: registry.defaultWorkspace, named: false, controls }, next);
      return;
    }
    registry.open(id).then((workspace) => runInScope({ workspace: workspace ?? registry.defaultWorkspace, named: workspace !== undefined, controls }, next), next);
  };
}

/**
 * A token request whose client id is in the form (not in HTTP Basic) names its workspace in a
 * body the door has not read. Before the faults step, such a request's form is read (with the
 * limit the Nova router would apply; the router then finds it read) and its workspace entered.
 */
function tokenFormWorkspace(registry: WorkspaceRegistry, bodyLimit: string): RequestHandler {
  const form = express.urlencoded({ extended: false, limit: bodyLimit });
  const oversize = declaredOver(bodyLimit);
  return function tokenFormWorkspace(req, res, next) {
    const scope = currentScope();
    if (req.path !== TOKEN_PATH || !scope || scope.named || !req.is('application/x-www-form-urlencoded')) return next();
    // A form announced over the limit is refused now, unread, as every other route does.
    if (oversize(req)) return next(new ApiFailure(BODY_TOO_LARGE));
    form(req, res, (error?: unknown) => {
      if (error) return next(error);
      const clientId = (req.body as Record<string, unknown> | undefined)?.client_id;
      const id = typeof clientId === 'string' ? WORKSPACE_CLIENT_ID.exec(clientId)?.[1] : undefined;
      if (id === undefined) return next();
      registry.open(id).then((workspace) => {
        if (workspace) Object.assign(scope, { workspace, named: true } satisfies Partial<WorkspaceScope>);
        next();
      }, next);
    });
  };
}

/**
 * The control plane the app is given: each piece dispatches to the request's workspace's own
 * (faults, journal and coverage observer, the `/_sandbox` controls); the default workspace's
 * journal, faults, coverage and clock stay reachable as before (`sandbox.journal`, …).
 *
 * @example
 * createApp(routedContext(defaultCtx), { control: workspaceControlPlane(registry, routes, '1mb') });
 */
export function workspaceControlPlane(registry: WorkspaceRegistry, workspaceRouter: RequestHandler, bodyLimit: string): ControlPlane {
  const fallback = registry.defaultWorkspace;
  const base = fallback.control;
  const current = (): Workspace => currentScope()?.workspace ?? fallback;
  const startedIn = new WeakMap<RequestState, { scope: WorkspaceScope | undefined; workspace: Workspace }>();

  // The token form's workspace first (it may name one), then that workspace's armed faults:
  // two calls, not a router.
  const enterTokenWorkspace = tokenFormWorkspace(registry, bodyLimit);
  const injectFaults: RequestHandler = function workspaceFaults(req, res, next) {
    runStep(enterTokenWorkspace, req, res, (error?: unknown) => (error ? next(error) : runStep(current().control.injectFaults, req, res, next)));
  };

  return {
    ...base,
    observer: {
      started(state) {
        const scope = currentScope();
        const workspace = scope?.workspace ?? fallback;
        startedIn.set(state, { scope, workspace });
        workspace.control.observer.started?.(state);
      },
      ended(exchange) {
        const started = startedIn.get(exchange.state);
        const workspace = started?.scope?.workspace ?? started?.workspace ?? fallback;
        // A token request's workspace may be learnt from its form, after it started.
        if (started && workspace !== started.workspace) workspace.control.observer.started?.(exchange.state);
        workspace.control.observer.ended(exchange);
      },
    },
    controls: function workspaceControls(req, res, next) {
      if (req.path === '/_sandbox/workspaces' || req.path === '/_sandbox/workspace') return workspaceRouter(req, res, next);
      return controlTarget(req, registry, base.access).control.controls(req, res, next);
    },
    injectFaults,
    async stop() {
      await base.stop();
      await registry.close();
    },
  };
}
