import type { Client, TokenRecord } from './types.js';

/** The client a `/v1` request authenticated as, and its token: set by `novaBearerAuth`. */
export interface NovaAuth {
  client: Client;
  token: TokenRecord;
}

/** Who a `/v1` request acts as: set by `resolveOrganization`, read by every handler. */
export interface NovaCaller {
  clientId: string;
  organization: string;
}

export function authOf(locals: Record<string, unknown>): NovaAuth {
  return locals.novaAuth as NovaAuth;
}

export function callerOf(locals: Record<string, unknown>): NovaCaller {
  return locals.novaCaller as NovaCaller;
}
