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
 * `Authorization: Bearer <clientId>:<apiKey>`, as the real custody endpoints take it.
 * Runs before the body is read and before request validation, so a client without valid
 * credentials learns that first, whatever it sent.
 */
export function norcapAuth(store: RecordStore<NorcapData>): RequestHandler {
  return async function norcapAuthenticate(req, res, next) {
    const header = req.headers.authorization;
    if (!header) fail({ kind: 'unauthenticated', status: 401, message: 'missing credentials' });
    const match = /^Bearer\s+([^:\s]+):(\S+)$/i.exec(header);
    if (!match) fail({ kind: 'unauthenticated', status: 401, message: 'malformed credentials, expected Bearer <clientId>:<apiKey>' });
    const credential = await store.get('norcapCredentials', match[1] as string);
    if (!credential || !secretMatches(credential.apiKey, match[2] as string)) fail({ kind: 'unauthenticated', status: 401, message: 'invalid credentials' });
    res.locals.norcapCredential = credential;
    next();
  };
}
