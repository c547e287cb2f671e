import type { RequestHandler } from 'express';
import type { AppContext } from '../../core/api-module.js';
import { fail } from '../../core/errors.js';
import { authenticateClient } from './client-auth.js';
import { NO_STORE } from './oauth-errors.js';
import { issueToken, TOKEN_LIFETIME_SECONDS } from './tokens.js';
import type { NovaData, TokenRequest, TokenResponse } from './types.js';

/**
 * `POST /oauth/token`, the client_credentials grant (RFC 6749 §4.4). Request validation has
 * already checked the form against the spec (form-encoded, `grant_type` present and single);
 * failures render as RFC 6749 errors (`oauth-errors.ts`).
 *
 * @example
 * router.post('/oauth/token', tokenEndpoint(ctx)); // after express.urlencoded and request validation
 */
export function tokenEndpoint(ctx: AppContext<NovaData>): RequestHandler {
  return async function issueNovaToken(req, res) {
    const form = req.body as TokenRequest;
    const client = await authenticateClient(ctx.store, req.get('authorization'), form);
    if (form.grant_type !== 'client_credentials') {
      fail({ kind: 'rule', status: 400, code: 'unsupported_grant_type', message: `grant_type '${form.grant_type}' is not supported: use client_credentials` });
    }
    const organization = form.organization ?? null;
    if (organization !== null && !client.organizations.includes(organization)) {
      fail({ kind: 'rule', status: 400, code: 'invalid_request', message: `organization '${organization}' is not granted to this client` });
    }
    const accessToken = await issueToken(ctx, client, organization);
    res.status(200).set(NO_STORE).json({ access_token: accessToken, token_type: 'Bearer', expires_in: TOKEN_LIFETIME_SECONDS } satisfies TokenResponse);
  };
}
