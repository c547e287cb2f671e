import type { RequestHandler } from 'express';
import type { AppContext } from '../../core/api-module.js';
import { ApiFailure, fail } from '../../core/errors.js';
import { authenticateClient } from './client-auth.js';
import { BASIC_CHALLENGE, NO_STORE } from './oauth-errors.js';
import { issueToken, TOKEN_LIFETIME_SECONDS } from './tokens.js';
import type { NovaData, TokenRequest, TokenResponse } from './types.js';

/**
 * `POST /oauth/token`, the client_credentials grant (RFC 6749 §4.4). Request validation has
 * already checked the form against the spec (form-encoded, `grant_type` present, single and
 * `client_credentials`: any other grant is refused there, rendered `unsupported_grant_type`);
 * failures render as RFC 6749 errors (`oauth-errors.ts`).
 *
 * @example
 * router.post('/oauth/token', tokenEndpoint(ctx)); // after express.urlencoded and request validation
 */
export function tokenEndpoint(ctx: AppContext<NovaData>): RequestHandler {
  return async function issueNovaToken(req, res) {
    const form = req.body as TokenRequest;
    const client = await challengeBasic(req.get('authorization'), () => authenticateClient(ctx.store, req.get('authorization'), form));
    const organization = form.organization ?? null;
    if (organization !== null && !client.organizations.includes(organization)) {
      fail({ kind: 'rule', status: 400, code: 'invalid_request', message: `organization '${organization}' is not granted to this client` });
    }
    const accessToken = await issueToken(ctx, client, organization);
    res.status(200).set(NO_STORE).json({ access_token: accessToken, token_type: 'Bearer', expires_in: TOKEN_LIFETIME_SECONDS } satisfies TokenResponse);
  };
}

/**
 * `invalid_client` carries `WWW-Authenticate: Basic realm="nova"` only when the client tried
 * HTTP Basic (RFC 6749 §5.2). Credentials sent in the form have no HTTP scheme to challenge, and
 * OAuth clients (openid-client v6) read a Basic challenge as the server asking for Basic even
 * though they sent their credentials in the body.
 */
async function challengeBasic<T>(authorization: string | undefined, authenticate: () => Promise<T>): Promise<T> {
  try {
    return await authenticate();
  } catch (error) {
    if (error instanceof ApiFailure && error.failure.status === 401 && authorization !== undefined && /^Basic(\s|$)/i.test(authorization)) {
      throw new ApiFailure({ ...error.failure, headers: { ...error.failure.headers, ...BASIC_CHALLENGE } });
    }
    throw error;
  }
}
