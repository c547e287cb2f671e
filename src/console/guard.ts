import type { Request } from 'express';
import { fail } from '../core/errors.js';
import { crossSiteReason, type AllowedHosts } from '../control-plane/host-origin-guard.js';

/**
 * Why a console request comes from another web page, or undefined when it does not: its `Host`
 * must be one the controls answer to (DNS rebinding), and a browser's `Sec-Fetch-Site` or
 * `Origin` must say this very origin, for reads too (the stream is the workspace's journal). A
 * client that is no browser (curl, a test) sends neither. A top-level navigation to the page
 * itself (a link from elsewhere) is let in: the page is inert until it is this origin's.
 */
export function consoleRefusal(hosts: AllowedHosts, req: Request, options: { navigation?: boolean } = {}): string | undefined {
  if (!hosts.allows(req.get('Host'))) return `the console does not answer to Host ${JSON.stringify(req.get('Host') ?? '')}: allow the name with --allowed-host <name>`;
  if (options.navigation && req.method === 'GET' && req.get('Sec-Fetch-Mode') === 'navigate' && req.get('Sec-Fetch-Dest') === 'document') return undefined;
  const site = req.get('Sec-Fetch-Site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return `cross-site request refused: Sec-Fetch-Site is ${site}`;
  const origin = req.get('Origin');
  if (origin !== undefined && origin !== `${req.protocol}://${req.get('Host') ?? ''}`) return `cross-site request refused: Origin ${origin} is not this server's`;
  const reason = crossSiteReason(req);
  return reason ? `cross-site request refused: ${reason}` : undefined;
}

/** Throws a 403 problem for a console request from another origin (see `consoleRefusal`). */
export function assertSameOrigin(hosts: AllowedHosts, req: Request, options: { navigation?: boolean } = {}): void {
  const reason = consoleRefusal(hosts, req, options);
  if (reason) fail({ kind: 'forbidden', status: 403, message: reason });
}

/** True when a request may be one the console page sent (a browser's, same-origin) or a non-browser's. */
export function mayCarryConsoleCookie(hosts: AllowedHosts, req: Request): boolean {
  return consoleRefusal(hosts, req) === undefined;
}
