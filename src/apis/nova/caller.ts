import type { Client, TokenRecord } from './types.js';

/** The client a `/v1` request authenticated as, and its token: set by `novaBearerAuth`. */
export interface NovaAuth {
  client: Client;
  token: TokenRecord;
  /** The SHA-256 the token is stored under (`hashToken`), as authentication looked it up. */
  tokenHash: string;
}

/** Who a `/v1` request acts as: set by `resolveOrganization`, read by every handler. */
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      /** The client and token of a `/v1` request (set by `novaBearerAuth`). */
      novaAuth?: NovaAuth;
      /** Who acts for which organization (set by `resolveOrganization`). */
      novaCaller?: NovaCaller;
    }
  }
}

export interface NovaCaller {
  clientId: string;
  organization: string;
}

/**
 * The client and token of an authenticated `/v1` request.
 *
 * @example
 * authOf(res.locals).client.clientId; // 'sandbox_client'
 */
export function authOf(locals: Express.Locals): NovaAuth {
  return locals.novaAuth as NovaAuth;
}

/**
 * The client and organization a `/v1` request acts as.
 *
 * @example
 * callerOf(res.locals).organization; // 'org_Xk7d2pQR9m3nBwYz'
 */
export function callerOf(locals: Express.Locals): NovaCaller {
  return locals.novaCaller as NovaCaller;
}

/**
 * The scope of a caller's idempotency keys: keys of different clients or organizations never meet.
 *
 * @example
 * keyScope({ clientId: 'sandbox_client', organization: 'org_1' }); // 'sandbox_client org_1'
 */
export function keyScope(caller: NovaCaller): string {
  return `${caller.clientId} ${caller.organization}`;
}
