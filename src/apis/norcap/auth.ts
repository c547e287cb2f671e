import type { RequestHandler } from 'express';
import { fail } from '../../core/errors.js';
import type { Store } from '../../core/store/store.js';
import type { Credential, NorcapData } from './types.js';

/** The credential a request authenticated as; set by `norcapAuth`. */
export function credentialOf(locals: Record<string, unknown>): Credential {
  return locals.norcapCredential as Credential;
}

/**
 * `Authorization: Bearer <clientId>:<apiKey>`, as the real custody endpoints take it.
 * Runs before request validation, so a client without credentials learns that first.
 */
export function norcapAuth(store: Store<NorcapData>): RequestHandler {
  return function norcapAuthenticate(req, res, next) {
    const header = req.headers.authorization;
    if (!header) fail({ kind: 'unauthenticated', status: 401, message: 'missing credentials' });
    const match = /^Bearer\s+([^:\s]+):(\S+)$/i.exec(header);
    if (!match) fail({ kind: 'unauthenticated', status: 401, message: 'malformed credentials, expected Bearer <clientId>:<apiKey>' });
    const credential = store.get('norcapCredentials', match[1] as string);
    if (!credential || credential.apiKey !== match[2]) fail({ kind: 'unauthenticated', status: 401, message: 'invalid credentials' });
    res.locals.norcapCredential = credential;
    next();
  };
}
