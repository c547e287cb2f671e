import basicAuth from 'basic-auth';
import { fail } from '../../core/errors.js';
import { secretMatches } from '../../core/secrets.js';
import type { RecordStore } from '../../core/store/record-store.js';
import type { Client, NovaData, TokenRequest } from './types.js';

interface Presented {
  clientId: string | undefined;
  clientSecret: string | undefined;
}

/**
 * Authenticates the client of a token request (RFC 6749 §2.3.1): HTTP Basic, or
 * `client_id`/`client_secret` in the form. Both at once are accepted only when they agree.
 * Throws `invalid_request` (400) for credentials given twice differently, `invalid_client`
 * (401) for none, a malformed Basic header, an unknown client or a wrong secret.
 *
 * @example
 * authenticateClient(store, 'Basic c2FuZGJveF9jbGllbnQ6c2FuZGJveF9zZWNyZXQ=', { grant_type: 'client_credentials' }).clientId; // 'sandbox_client'
 */
export async function authenticateClient(store: RecordStore<NovaData>, authorization: string | undefined, form: TokenRequest): Promise<Client> {
  const basic = authorization !== undefined && /^Basic /i.test(authorization) ? decodeBasic(authorization) : undefined;
  const body: Presented = { clientId: form.client_id, clientSecret: form.client_secret };
  const inBody = body.clientId !== undefined || body.clientSecret !== undefined;
  if (basic && inBody && (basic.clientId !== body.clientId || basic.clientSecret !== body.clientSecret)) {
    fail({ kind: 'rule', status: 400, code: 'invalid_request', message: 'client credentials were given both in the Authorization header and in the body, with different values' });
  }
  const presented = basic ?? body;
  if (presented.clientId === undefined || presented.clientSecret === undefined) {
    invalidClient('client authentication is required: HTTP Basic, or client_id and client_secret in the body');
  }
  const client = await store.get('novaClients', presented.clientId);
  if (!client || !secretMatches(client.clientSecret, presented.clientSecret)) invalidClient('client authentication failed');
  return client;
}

/**
 * `Basic base64(urlencode(id):urlencode(secret))`, as RFC 6749 §2.3.1 encodes them. The
 * `basic-auth` package parses the header (scheme, strict base64, the first colon); the form
 * decoding of each part is OAuth's own layer on top.
 */
function decodeBasic(authorization: string): Presented {
  const credentials = basicAuth.parse(authorization);
  if (!credentials || credentials.name === '') invalidClient('malformed Basic credentials: expected base64(client_id:client_secret)');
  try {
    const formDecode = (part: string) => decodeURIComponent(part.replace(/\+/g, ' '));
    return { clientId: formDecode(credentials.name), clientSecret: formDecode(credentials.pass) };
  } catch {
    invalidClient('malformed Basic credentials: bad percent-encoding');
  }
}

function invalidClient(message: string): never {
  fail({ kind: 'unauthenticated', status: 401, code: 'invalid_client', message });
}
