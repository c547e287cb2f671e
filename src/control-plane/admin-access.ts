import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { fail } from '../core/errors.js';
import { AllowedHosts, assertHostAndOrigin } from './host-origin-guard.js';
import { isLoopbackHost } from './loopback.js';

export { isLoopbackHost };

/**
 * Who may use the `/_sandbox` controls. Open on loopback; whenever an admin token is configured
 * it is required; beyond loopback without one, nothing gets in (and `createSandbox().start()`
 * refuses to listen there in the first place).
 *
 * @example
 * const access = new ControlAccess('s3cret');
 * access.requiresToken(); // true: a configured token is always required
 */
export class ControlAccess {
  private listenHost: string | undefined;
  private readonly tokenDigest: Buffer | undefined;
  /** The `Host` names the controls answer to (loopback, the listen host, `--allowed-host`). */
  readonly hosts = new AllowedHosts();

  constructor(adminToken: string | undefined) {
    this.tokenDigest = adminToken ? digest(adminToken) : undefined;
  }

  get hasToken(): boolean {
    return this.tokenDigest !== undefined;
  }

  /** Records where the server listens (set by `start()`, cleared by `stop()`). */
  listeningOn(host: string | undefined): void {
    this.listenHost = host;
    this.hosts.listeningOn(host);
  }

  /**
   * Throws unless the server may listen on `host`: beyond loopback the controls would be open
   * to the network, so an admin token is mandatory there.
   */
  assertMayListenOn(host: string): void {
    if (!isLoopbackHost(host) && !this.hasToken) {
      throw new Error(
        `refusing to listen on ${host} without an admin token: the /_sandbox control API would be open to the network; ` +
          'pass --admin-token <token> (or SANDBOX_ADMIN_TOKEN), or listen on 127.0.0.1',
      );
    }
  }

  /**
   * Whether a request needs the token. `localAddress` (the socket's) decides when the listening
   * host is unknown, i.e. when someone served `sandbox.app` by other means than `start()`.
   */
  requiresToken(localAddress?: string): boolean {
    if (this.hasToken) return true;
    const host = this.listenHost ?? localAddress;
    return host !== undefined && !isLoopbackHost(host);
  }

  /** True when `authorization` carries the configured token (constant-time comparison). */
  accepts(authorization: string | undefined): boolean {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match || !this.tokenDigest) return false;
    return timingSafeEqual(digest(match[1] as string), this.tokenDigest);
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/**
 * Guards the control API: 403 problem for a `Host` it does not answer to or a cross-site
 * state-changing call (see `guardHostAndOrigin`), then 401 unless the request may pass.
 *
 * @example
 * controlRouter.use(requireAdmin(access));
 */
export function requireAdmin(access: ControlAccess): RequestHandler {
  return function requireAdminToken(req, _res, next) {
    assertHostAndOrigin(access.hosts, req);
    if (access.requiresToken(req.socket.localAddress) && !access.accepts(req.headers.authorization)) {
      fail({
        kind: 'unauthenticated',
        status: 401,
        message: access.hasToken
          ? 'the sandbox control API requires Authorization: Bearer <admin token>'
          : 'the sandbox control API is closed beyond loopback unless an admin token is configured',
        headers: { 'WWW-Authenticate': 'Bearer realm="sandbox"' },
      });
    }
    next();
  };
}
