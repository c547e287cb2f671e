import type { RequestHandler } from 'express';
import { fail } from '../../core/errors.js';
import { secretMatches } from '../../core/secrets.js';
import type { RecordStore } from '../../core/store/record-store.js';
import type { Credential, NorcapData } from './types.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      /** The NorCap credential a request authenticated as (set by `norcapAuth`). */
      norcapCredential?: Credential;
    }
  }
}

/** The credential a request authenticated as; `norcapAuth` ran before every handler. */
export function credentialOf(locals: Express.Locals): Credential {
  return locals.norcapCredential as Credential;
}

/**
 * The client id and key an `Authorization` header carries, or undefined when it is not
 * `Bearer <clientId>:<apiKey>` (the read-ahead reads the client id from it too).
 *
 * @example
 * bearerCredentialOf('Bearer sandbox:sandbox_api_key'); // { clientId: 'sandbox', apiKey: 'sandbox_api_key' }
 */
export function bearerCredentialOf(header: string | undefined): { clientId: string; apiKey: string } | undefined {
  const match = header === undefined ? null : /^Bearer\s+([^:\s]+):(\S+)$/i.exec(header);
  return match ? { clientId: match[1] as string, apiKey: match[2] as string } : undefined;
}

/**
 * `Authorization: Bearer <clientId>:<apiKey>`, as the real custody endpoints take it.
 * Runs before the body is read and before request validation, so a client without valid
 * credentials learns that first, whatever it sent.
 */
export function norcapAuth(store: RecordStore<NorcapData>): RequestHandler {
  return async function norcapAuthenticate(req, res, next) {
    const header = req.headers.authorization;
    if (!header) fail({ kind: 'unauthenticated', status: 401, message: 'missing credentials' });
    const sent = bearerCredentialOf(header);
    if (!sent) fail({ kind: 'unauthenticated', status: 401, message: 'malformed credentials, expected Bearer <clientId>:<apiKey>' });
    const credential = await store.get('norcapCredentials', sent.clientId);
    if (!credential || !secretMatches(credential.apiKey, sent.apiKey)) fail({ kind: 'unauthenticated', status: 401, message: 'invalid credentials' });
    res.locals.norcapCredential = credential;
    next();
  };
}
