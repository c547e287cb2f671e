import type { RequestHandler } from 'express';
import type { SandboxClock } from '../../core/clock.js';
import { fail } from '../../core/errors.js';
import type { RecordStore } from '../../core/store/record-store.js';
import type { NovaAuth } from './caller.js';
import { findToken, hashToken } from './tokens.js';
import type { NovaData } from './types.js';

/**
 * `Authorization: Bearer <access_token>` on every `/v1` request (RFC 6750). Runs before
 * anything else looks at the request. No token (or another scheme) is 401 without an error
 * attribute, as RFC 6750 §3.1 asks; an unknown or expired token is 401 `invalid_token`, with
 * the reason in the `WWW-Authenticate` challenge as well as in the body.
 *
 * @example
 * router.use('/v1', novaBearerAuth(ctx.store, ctx.clock)); // then authOf(res.locals).client
 */
export function novaBearerAuth(store: RecordStore<NovaData>, clock: SandboxClock): RequestHandler {
  return async function authenticateNovaBearer(req, res, next) {
    const header = req.get('authorization');
    const presented = bearerTokenOf(header);
    if (presented === undefined) {
      const message = header === undefined ? 'an access token is required: send Authorization: Bearer <access_token>' : 'Authorization must be Bearer <access_token>';
      fail({ kind: 'unauthenticated', status: 401, code: 'unauthorized', message });
    }
    const token = await findToken(store, clock.nowMs(), presented, res);
    if (token === 'expired') invalidToken('the access token expired');
    const client = token && (await store.get('novaClients', token.clientId));
    if (!token || !client) invalidToken('the access token is not valid');
    res.locals.novaAuth = { client, token, tokenHash: hashToken(presented) } satisfies NovaAuth;
    next();
  };
}

/**
 * The access token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1), if it is one.
 *
 * @example
 * bearerTokenOf('Bearer x3Qm'); // 'x3Qm'
 */
export function bearerTokenOf(header: string | undefined): string | undefined {
  return header === undefined ? undefined : /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header)?.[1];
}

function invalidToken(description: string): never {
  fail({
    kind: 'unauthenticated',
    status: 401,
    code: 'invalid_token',
    message: description,
    headers: { 'WWW-Authenticate': `Bearer realm="nova", error="invalid_token", error_description="${description}"` },
  });
}
