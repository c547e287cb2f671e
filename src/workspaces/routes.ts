import { Router, type Request, type RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { ApiFailure, fail } from '../core/errors.js';
import { renderFailures } from '../core/pipeline/render-failure.js';
import { requestValidation } from '../core/validation.js';
import { jsonBody } from '../core/pipeline/body.js';
import type { ControlAccess } from '../control-plane/admin-access.js';
import { renderProblem } from '../control-plane/problem.js';
import { currentScope } from './current.js';
import type { WorkspaceDescription } from './fixtures.js';
import type { Workspace, WorkspaceRecord, WorkspaceRegistry } from './registry.js';
import { documentedBound } from '../core/contract/spec.js';

/** `Authorization: Bearer wsk_<16 id characters>_<secret>`. */
export const WORKSPACE_KEY = /^Bearer\s+(wsk_([A-Za-z0-9]{16})_[A-Za-z0-9_-]+)\s*$/i;
export const WORKSPACE_HEADER = 'X-Sandbox-Workspace';

/** Who may create workspaces (`POST /_sandbox/workspaces`). */
export interface SignupPolicy {
  /** `--open-signup`: anyone may create one even when an admin token is configured, rate-limited. */
  open: boolean;
  /** Workspaces one client address may create per window (default 10 per hour). */
  perAddress?: { limit: number; windowMs: number };
}

export const DEFAULT_SIGNUP_RATE = { limit: 10, windowMs: 60 * 60 * 1000 };

/** `GET /_sandbox/workspace`: the workspace without its secrets. */
export interface WorkspaceView extends WorkspaceDescription {
  created_at: string;
  expires_at: string;
}

/** `POST /_sandbox/workspaces`: the view plus its secrets, shown this once. */
export interface CreatedWorkspace {
  id: string;
  key: string;
  created_at: string;
  expires_at: string;
  norcap: WorkspaceDescription['norcap'] & { api_key: string };
  nova: WorkspaceDescription['nova'] & { client_secret: string };
}

/**
 * The workspace a control request acts on: its key's (`Authorization: Bearer wsk_…`), the one
 * `X-Sandbox-Workspace` names for the admin (or anyone where the controls are open), else the
 * default workspace. Throws a 401 or 404 problem otherwise.
 */
export function controlTarget(req: Request, registry: WorkspaceRegistry, access: ControlAccess): Workspace {
  const scope = currentScope();
  const key = WORKSPACE_KEY.exec(req.headers.authorization ?? '');
  if (key) {
    if (!scope?.named || !registry.keyMatches(scope.workspace, key[1] as string)) {
      fail({
        kind: 'unauthenticated',
        status: 401,
        message: 'the workspace key is not valid: its workspace does not exist (deleted, or expired after being idle)',
        headers: { 'WWW-Authenticate': 'Bearer realm="sandbox"' },
      });
    }
    return scope.workspace;
  }
  const named = req.get(WORKSPACE_HEADER);
  if (named === undefined) return registry.defaultWorkspace;
  assertAdmin(req, access, `${WORKSPACE_HEADER} requires the admin token (Authorization: Bearer <admin token>); a workspace's owner sends its key instead`);
  if (!scope?.named) fail({ kind: 'not_found', status: 404, message: `no workspace '${named}' (deleted, or expired after being idle)` });
  return scope.workspace;
}

function assertAdmin(req: Request, access: ControlAccess, message: string): void {
  if (access.requiresToken(req.socket.localAddress) && !access.accepts(req.headers.authorization)) {
    fail({ kind: 'unauthenticated', status: 401, message, headers: { 'WWW-Authenticate': 'Bearer realm="sandbox"' } });
  }
}

function view(registry: WorkspaceRegistry, record: WorkspaceRecord): WorkspaceView {
  return { ...record.description, created_at: new Date(record.createdAtMs).toISOString(), expires_at: registry.expiresAt(record).toISOString() };
}

/**
 * `POST /_sandbox/workspaces`, `GET|DELETE /_sandbox/workspace`, answering problem+json.
 *
 * Who may create one: where the controls are open (loopback, no admin token), anyone; with an
 * admin token, the admin only, unless `signup.open`, which opens it to anyone, rate-limited per
 * client address.
 *
 * @example
 * router.use(workspaceRoutes(registry, access, { open: false }));
 */
export function workspaceRoutes(registry: WorkspaceRegistry, access: ControlAccess, signup: SignupPolicy): Router {
  const rate = signup.perAddress ?? DEFAULT_SIGNUP_RATE;
  const limited = rateLimit({
    windowMs: rate.windowMs,
    limit: rate.limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler(_req, _res, next, options) {
      next(
        new ApiFailure({
          kind: 'rule',
          status: 429,
          message: `at most ${options.limit} workspaces may be created per client address every ${Math.round(rate.windowMs / 60000)} minutes`,
          headers: { 'Retry-After': String(Math.ceil(rate.windowMs / 1000)) },
        }),
      );
    },
  });

  const mayCreate: RequestHandler = function mayCreateWorkspace(req, res, next) {
    if (!access.requiresToken(req.socket.localAddress) || access.accepts(req.headers.authorization)) return next();
    if (signup.open) return limited(req, res, next);
    fail({
      kind: 'unauthenticated',
      status: 401,
      message: 'creating a workspace requires the admin token (Authorization: Bearer <admin token>): this sandbox was started without --open-signup',
      headers: { 'WWW-Authenticate': 'Bearer realm="sandbox"' },
    });
  };

  const owned = (req: Request): Workspace => {
    if (!WORKSPACE_KEY.test(req.headers.authorization ?? '') && req.get(WORKSPACE_HEADER) === undefined) {
      fail({
        kind: 'unauthenticated',
        status: 401,
        message: "this needs the workspace's key (Authorization: Bearer wsk_…), or the admin token and X-Sandbox-Workspace",
        headers: { 'WWW-Authenticate': 'Bearer realm="sandbox"' },
      });
    }
    return controlTarget(req, registry, access);
  };

  const router = Router();
  // The controls' body step, as control-plane.ts uses it: an announced oversize body is refused unread.
  router.use(jsonBody(`${documentedBound('sandbox', 'controlBodyLimitBytes')}b`));
  router.use(requestValidation('sandbox'));
  router.post('/_sandbox/workspaces', mayCreate, async function createWorkspace(_req, res) {
    const created = await registry.create();
    if (!created) {
      fail({ kind: 'rule', status: 409, message: `this sandbox holds its maximum of ${registry.maxWorkspaces} workspaces; try again once idle ones expire` });
    }
    const { record, secrets } = created;
    const shown = view(registry, record);
    res
      .status(201)
      .set('Cache-Control', 'no-store')
      .json({
        id: shown.id,
        key: secrets.key,
        created_at: shown.created_at,
        expires_at: shown.expires_at,
        norcap: { ...shown.norcap, api_key: secrets.norcapApiKey },
        nova: { client_id: shown.nova.client_id, client_secret: secrets.novaClientSecret, organizations: shown.nova.organizations },
      } satisfies CreatedWorkspace);
  });
  router.get('/_sandbox/workspace', function getWorkspace(req, res) {
    const workspace = owned(req);
    res.status(200).json(view(registry, workspace.record as WorkspaceRecord));
  });
  router.delete('/_sandbox/workspace', async function deleteWorkspace(req, res) {
    const workspace = owned(req);
    await registry.delete(workspace.id);
    res.status(204).end();
  });
  router.use(renderFailures(renderProblem));
  return router;
}
