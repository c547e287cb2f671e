import type { Request, RequestHandler } from 'express';
import { fail } from '../../core/errors.js';
import { singleHeader } from '../../core/validation.js';
import { authOf, type NovaCaller } from './caller.js';
import { ORGANIZATION_ID_PATTERN } from './spec-rules.js';

const HEADER = 'X-Organization-Id';

/**
 * What each recent access token's requests settled, by the token's hash: its client (which a
 * token never changes) and the organization its last request without the header acted on. The
 * read-ahead's forecast of a list's owner (`organizationForecast`) and of a key's scope
 * (`callerForecast`). A guess, bounded like the token hashes themselves: a wrong or forgotten
 * one costs a round trip.
 */
type Settled = Map<string, { clientId: string; organization: string | undefined }>;
const SETTLED_SIZE = 1024;

/** One memory per app (`req.app`): sandboxes in one process (a test run, a library user's) never share guesses. */
const settledByApp = new WeakMap<object, Settled>();

/** The memory of a request outside an app (a unit test's bare request object). */
const NO_APP = {};

function settledOf(req: Request): Settled {
  const app = (req.app as object | undefined) ?? NO_APP;
  let settled = settledByApp.get(app);
  if (!settled) settledByApp.set(app, (settled = new Map()));
  return settled;
}

/**
 * The organization a `/v1` request will most likely act on, read before authentication: its
 * `X-Organization-Id` when sent once, else the one its token's last request without it acted on.
 *
 * @example
 * organizationForecast(req, tokenHash); // 'org_Xk7d2pQR9m3nBwYz'
 */
export function organizationForecast(req: Request, tokenHash: string): string | undefined {
  const sent = req.headersDistinct[HEADER.toLowerCase()];
  if (sent !== undefined) return sent.length === 1 ? sent[0] : undefined;
  return settledOf(req).get(tokenHash)?.organization;
}

/**
 * Who a `/v1` request will most likely act as (`resolveOrganization`'s answer), read before
 * authentication; undefined for a token no recent request settled.
 *
 * @example
 * callerForecast(req, tokenHash); // { clientId: 'sandbox_client', organization: 'org_Xk7d2pQR9m3nBwYz' }
 */
export function callerForecast(req: Request, tokenHash: string): NovaCaller | undefined {
  const clientId = settledOf(req).get(tokenHash)?.clientId;
  const organization = clientId === undefined ? undefined : organizationForecast(req, tokenHash);
  return clientId === undefined || organization === undefined ? undefined : { clientId, organization };
}

/** Remembers what a request settled (`organization`: the one it acted on without the header, else undefined, which keeps the last). */
function rememberSettled(req: Request, tokenHash: string, clientId: string, organization: string | undefined): void {
  const settledBy = settledOf(req);
  const known = settledBy.get(tokenHash);
  if (known && known.clientId === clientId && (organization === undefined || known.organization === organization)) return;
  if (!known && settledBy.size >= SETTLED_SIZE) settledBy.delete(settledBy.keys().next().value as string);
  settledBy.set(tokenHash, { clientId, organization: organization ?? known?.organization });
}

/**
 * Settles which organization a `/v1` request acts on: `X-Organization-Id` when given (it must
 * be one the client was granted, and the token's own when the token is bound), else the
 * token's bound organization, else the client's only one. Anything else is refused here,
 * before the idempotency middleware (whose keys are scoped to the organization) runs.
 *
 * @example
 * router.use('/v1', novaBearerAuth(store, clock), resolveOrganization()); // then callerOf(res.locals).organization
 */
export function resolveOrganization(): RequestHandler {
  return function resolveNovaOrganization(req, res, next) {
    const { client, token, tokenHash } = authOf(res.locals);
    const header = singleHeader(req, HEADER);
    let organization: string;
    if (header !== undefined) {
      if (!ORGANIZATION_ID_PATTERN.test(header)) {
        fail({ kind: 'validation', status: 400, field: HEADER, message: `${HEADER} must match pattern "${ORGANIZATION_ID_PATTERN.source}"` });
      }
      const allowed = token.organization === null ? client.organizations.includes(header) : token.organization === header;
      if (!allowed) {
        const why = token.organization === null ? 'this client may not act on' : 'the access token is bound to another organization than';
        fail({ kind: 'forbidden', status: 403, field: HEADER, message: `${why} organization '${header}'` });
      }
      organization = header;
      rememberSettled(req, tokenHash, client.clientId, undefined);
    } else if (token.organization !== null) {
      organization = token.organization;
      rememberSettled(req, tokenHash, client.clientId, organization);
    } else if (client.organizations.length === 1) {
      organization = client.organizations[0] as string;
      rememberSettled(req, tokenHash, client.clientId, organization);
    } else {
      fail({ kind: 'validation', status: 400, code: 'organization_required', field: HEADER, message: `${HEADER} is required: this client may act on several organizations` });
    }
    res.locals.novaCaller = { clientId: client.clientId, organization } satisfies NovaCaller;
    next();
  };
}
