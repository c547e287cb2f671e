import type { Request } from 'express';
import { fail } from '../core/errors.js';
import { isLoopbackHost } from './loopback.js';

/** Methods that change the sandbox's state: the ones a cross-site page must not send. */
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Content types a plain HTML `<form>` (or a "simple" cross-origin fetch, sent without a CORS
 * preflight) can carry: a control call with a body of one of these, or of none, is refused.
 */
const FORM_MEDIA_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);

/**
 * The host name a `Host` header names, lower case, without its port or IPv6 brackets;
 * undefined when the header is absent or is no host at all.
 *
 * @example
 * hostName('[::1]:4010'); // '::1'
 * hostName('Sandbox.Example:80'); // 'sandbox.example'
 */
export function hostName(header: string | undefined): string | undefined {
  if (!header || /[\s/@?#\\]/.test(header)) return undefined;
  try {
    const name = new URL(`http://${header}`).hostname;
    return name.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '') || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The host names the controls answer to: loopback names and addresses always, the address the
 * server listens on, and whatever the operator allowed (`--allowed-host`). Checking `Host`
 * defeats DNS rebinding: a page on `evil.example` whose name was re-pointed at 127.0.0.1 still
 * sends `Host: evil.example`.
 *
 * @example
 * const hosts = new AllowedHosts(['sandbox.internal']);
 * hosts.allows('127.0.0.1:4010'); // true
 * hosts.allows('evil.example');   // false
 */
export class AllowedHosts {
  private readonly names = new Set<string>();
  private listenHost: string | undefined;

  constructor(names: readonly string[] = []) {
    this.add(names);
  }

  /** Allows more names (`--allowed-host`), e.g. the name a proxy or a container network uses. */
  add(names: readonly string[]): void {
    for (const name of names) {
      const host = hostName(name.trim());
      if (host) this.names.add(host);
    }
  }

  /** Records where the server listens: that address is one of its names. */
  listeningOn(host: string | undefined): void {
    this.listenHost = host === undefined ? undefined : hostName(host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);
  }

  allows(hostHeader: string | undefined): boolean {
    const host = hostName(hostHeader);
    if (host === undefined) return false;
    return isLoopbackHost(host) || host === this.listenHost || this.names.has(host);
  }

  /** Every configured name, for messages. */
  list(): string[] {
    return [...this.names];
  }
}

/**
 * Why a control call is cross-site, or undefined when it is not. A call without `Origin` and
 * without `Sec-Fetch-Site` is not from a browser page (curl, a test client): allowed.
 */
export function crossSiteReason(req: Request): string | undefined {
  if (!STATE_CHANGING.has(req.method)) return undefined;
  const site = req.get('Sec-Fetch-Site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return `Sec-Fetch-Site is ${site}`;
  const origin = req.get('Origin');
  if (origin !== undefined && origin !== `${req.protocol}://${req.get('Host') ?? ''}`) return `Origin ${origin} is not this server's`;
  if (hasBody(req)) {
    const mediaType = (req.get('Content-Type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (mediaType === '') return 'the body has no Content-Type';
    if (FORM_MEDIA_TYPES.has(mediaType)) return `Content-Type ${mediaType} is one an HTML form can send`;
  }
  return undefined;
}

function hasBody(req: Request): boolean {
  return req.get('Transfer-Encoding') !== undefined || Number(req.get('Content-Length') ?? 0) > 0;
}

/**
 * Guards `/_sandbox` against other web pages, before anything runs: a `Host` the server is not
 * known by is 403 (DNS rebinding), and so is a state-changing call a page on another origin
 * could send (a cross-site `Origin` or `Sec-Fetch-Site`, or a form's content type).
 *
 * @example
 * assertHostAndOrigin(new AllowedHosts(['sandbox.internal']), req); // throws a 403 failure when refused
 */
export function assertHostAndOrigin(hosts: AllowedHosts, req: Request): void {
  if (!hosts.allows(req.get('Host'))) {
    fail({
      kind: 'forbidden',
      status: 403,
      message: `the sandbox control API does not answer to Host ${JSON.stringify(req.get('Host') ?? '')}: allow the name with --allowed-host <name> (or SANDBOX_ALLOWED_HOSTS)`,
    });
  }
  const reason = crossSiteReason(req);
  if (reason) {
    fail({
      kind: 'forbidden',
      status: 403,
      message: `cross-site request refused: ${reason}; the sandbox controls take state-changing calls from their own origin, or from clients that are not browsers, with an application/json body`,
    });
  }
}
