import { parse as parseCookie } from 'cookie';
import type { Request, Response } from 'express';
import type { ControlAccess } from '../control-plane/admin-access.js';
import { fail } from '../core/errors.js';
import type { Workspace, WorkspaceRegistry } from '../workspaces/registry.js';

/** The console's cookie: HttpOnly, SameSite=Strict, holding the workspace key (or the admin token). */
export const CONSOLE_COOKIE = 'sandbox_console';

const KEY_VALUE = /^wsk_([A-Za-z0-9]{16})_[A-Za-z0-9_-]+$/;

/** Who is looking: the workspace shown, and how they got in. */
export interface Viewer {
  workspace: Workspace;
  /** `key`: a workspace key; `admin`: the admin token (default workspace); `open`: loopback without a token. */
  via: 'key' | 'admin' | 'open';
}

export function consoleCookie(req: Request): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  const value = parseCookie(header)[CONSOLE_COOKIE];
  return value === undefined || value === '' ? undefined : value;
}

/** What a secret signs in as: a workspace key its workspace, the admin token the default workspace; else undefined. */
export async function signInAs(secret: string, registry: WorkspaceRegistry, access: ControlAccess): Promise<Viewer | undefined> {
  const key = KEY_VALUE.exec(secret);
  if (key) {
    const workspace = await registry.open(`ws_${key[1]}`);
    return workspace && registry.keyMatches(workspace, secret) ? { workspace, via: 'key' } : undefined;
  }
  if (access.hasToken && access.accepts(`Bearer ${secret}`)) return { workspace: registry.defaultWorkspace, via: 'admin' };
  return undefined;
}

/**
 * The viewer of a console request: its cookie's workspace, or the default workspace where the
 * controls are open (loopback, no admin token). Undefined when it must sign in.
 */
export async function viewerOf(req: Request, registry: WorkspaceRegistry, access: ControlAccess): Promise<Viewer | undefined> {
  const secret = consoleCookie(req);
  if (secret !== undefined) return signInAs(secret, registry, access);
  if (!access.requiresToken(req.socket.localAddress)) return { workspace: registry.defaultWorkspace, via: 'open' };
  return undefined;
}

/** `viewerOf`, or a 401 problem saying how to sign in. */
export async function requireViewer(req: Request, registry: WorkspaceRegistry, access: ControlAccess): Promise<Viewer> {
  const viewer = await viewerOf(req, registry, access);
  if (!viewer) {
    fail({
      kind: 'unauthenticated',
      status: 401,
      message: consoleCookie(req) !== undefined ? 'the console session is no longer valid (the workspace was deleted or expired): sign in again' : 'sign in to the console with your workspace key (or, for the default workspace beyond loopback, the admin token): POST /console/session',
    });
  }
  return viewer;
}

/** Sets the cookie: HttpOnly (no script reads it), SameSite=Strict (no other site sends it), Secure over HTTPS. */
export function setConsoleCookie(req: Request, res: Response, secret: string): void {
  res.cookie(CONSOLE_COOKIE, secret, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/' });
}

export function clearConsoleCookie(req: Request, res: Response): void {
  res.clearCookie(CONSOLE_COOKIE, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/' });
}
