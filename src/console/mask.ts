/**
 * Secrets never reach the console: every header, query parameter, body field and text the
 * console keeps goes through here first, when its row is built, so the feed, the stream, the
 * detail view, the exports and the cURL copies only ever hold the masked values.
 */
export const MASK = '[masked]';

/** Headers whose whole value is a credential (the scheme of an `Authorization` is kept). */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'api-key', 'x-sandbox-key']);

/** Field and parameter names that hold a secret, in any API's body, form or query. */
const SECRET_NAME = /secret|passw|api_?key|apikey|access_?token|refresh_?token|id_?token|^key$|^token$|^authorization$/i;

/** A workspace key wherever it appears (`wsk_<16 id characters>_<secret>`). */
const WORKSPACE_KEY_TEXT = /wsk_[A-Za-z0-9]{16}_[A-Za-z0-9_-]+/g;

/**
 * Whether a field or parameter name holds a secret (`SECRET_NAME`), remembered per name: a
 * console row tests every key of two bodies and two sets of headers, and the names repeat from
 * request to request. Names are the client's to choose, so at most `MAX_REMEMBERED_NAMES` are kept.
 */
const secretNames = new Map<string, boolean>();
const MAX_REMEMBERED_NAMES = 1024;

function isSecretName(name: string): boolean {
  let secret = secretNames.get(name);
  if (secret === undefined) {
    secret = SECRET_NAME.test(name);
    if (secretNames.size < MAX_REMEMBERED_NAMES) secretNames.set(name, secret);
  }
  return secret;
}

/**
 * The secrets one request carries (its bearer token, its Basic password, a form's
 * `client_secret`, the token its answer issued): every occurrence of them elsewhere in the
 * request or its answer is masked too, whatever the field is called.
 */
export class SecretSet {
  private readonly values = new Set<string>();

  add(value: unknown): void {
    if (typeof value === 'string' && value.length >= 4) this.values.add(value);
  }

  /** Learns the credentials in an `Authorization` value. */
  addAuthorization(value: string): void {
    const match = /^(\S+)\s+(.+)$/.exec(value.trim());
    if (!match) return this.add(value.trim());
    const [, scheme, credentials] = match as unknown as [string, string, string];
    this.add(credentials);
    if (/^basic$/i.test(scheme)) {
      const decoded = Buffer.from(credentials, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon >= 0) this.add(decoded.slice(colon + 1));
    } else if (credentials.includes(':')) this.add(credentials.slice(credentials.indexOf(':') + 1)); // NorCap's `id:key`
  }

  /** Learns every secret-named string field of a body (form or JSON), at any depth. */
  addFields(value: unknown, depth = 0): void {
    if (depth > 20 || value === null || typeof value !== 'object') return;
    for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
      if (isSecretName(key)) this.add(field);
      else this.addFields(field, depth + 1);
    }
  }

  /** `text` with every known secret and any workspace key replaced by the mask. */
  scrub(text: string): string {
    let out = text.includes('wsk_') ? text.replace(WORKSPACE_KEY_TEXT, MASK) : text;
    for (const secret of this.values) if (out.includes(secret)) out = out.split(secret).join(MASK);
    return out;
  }
}

/**
 * One header's value as the console shows it: `Bearer [masked]` for a credential (NorCap's
 * client id, before its `:`, is no secret and is kept), anything else scrubbed.
 */
export function maskHeader(name: string, value: string, secrets: SecretSet): string {
  const lower = name.toLowerCase();
  if (!SECRET_HEADERS.has(lower) && !isSecretName(lower)) return secrets.scrub(value);
  if (lower !== 'authorization' && lower !== 'proxy-authorization') return MASK;
  const match = /^(\S+)\s+(\S.*)$/.exec(value.trim());
  if (!match) return MASK;
  const [, scheme, credentials] = match as unknown as [string, string, string];
  const clientId = /^bearer$/i.test(scheme) && /^[A-Za-z0-9_.-]{1,64}:/.test(credentials) ? `${credentials.slice(0, credentials.indexOf(':'))}:` : '';
  return `${scheme} ${secrets.scrub(clientId)}${MASK}`;
}

/** Every header, masked, names lower case, multi-valued ones joined as Node joins them. */
export function maskHeaders(headers: Record<string, unknown>, secrets: SecretSet): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.map(String).join(', ') : String(value);
    out[name.toLowerCase()] = maskHeader(name, text, secrets);
  }
  return out;
}

/** A JSON-like value with secret-named fields masked and every string scrubbed (a deep copy). */
export function maskValue(value: unknown, secrets: SecretSet, depth = 0): unknown {
  if (typeof value === 'string') return secrets.scrub(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 50) return MASK;
  if (Array.isArray(value)) return value.map((item) => maskValue(item, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
    out[secrets.scrub(key)] = isSecretName(key) && field !== null && field !== undefined && field !== '' ? MASK : maskValue(field, secrets, depth + 1);
  }
  return out;
}

/** A query string (`?a=1&client_secret=x`) with secret-named parameters masked and the rest scrubbed. */
export function maskQuery(query: string, secrets: SecretSet): string {
  if (query === '' || query === '?') return query;
  const parts = query.replace(/^\?/, '').split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    let decoded = name;
    try {
      decoded = decodeURIComponent(name);
    } catch {
      // kept as sent
    }
    return eq >= 0 && isSecretName(decoded) ? `${secrets.scrub(name)}=${encodeURIComponent(MASK)}` : secrets.scrub(pair);
  });
  return `?${parts.join('&')}`;
}
