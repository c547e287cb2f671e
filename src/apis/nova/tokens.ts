import { createHash, randomBytes } from 'node:crypto';
import type { AppContext } from '../../core/api-module.js';
import type { Response } from 'express';
import { readRecord } from '../../core/store/read-ahead.js';
import type { RecordStore } from '../../core/store/record-store.js';
import type { Client, NovaData, TokenRecord, TokenResponse } from './types.js';

/** Seconds a token lives: the reference's `expires_in`, whose one value the spec's enum holds (the compiler checks it). */
export const TOKEN_LIFETIME_SECONDS: TokenResponse['expires_in'] = 3600;
/** Live tokens kept per client; issuing one more drops the oldest. */
export const MAX_TOKENS_PER_CLIENT = 20;

/** Hashes remembered: a client sends the same token on every request until it expires. */
const HASH_MEMO_SIZE = 1024;
const hashMemo = new Map<string, string>();

/**
 * Tokens are stored under their SHA-256, so a saved state file holds no usable token. The hash
 * of a token is a pure function of it, so the last `HASH_MEMO_SIZE` are remembered (oldest
 * forgotten first) and a request carrying a token in use costs a map lookup, not a SHA-256.
 * Nothing about the token's validity is remembered: the store is asked every time, so expiry,
 * eviction and reset apply at once. (A bounded Map in insertion order is all an LRU would add
 * here; no dependency for it.)
 *
 * @example
 * store.get('novaTokens', hashToken(accessToken));
 */
export function hashToken(token: string): string {
  const known = hashMemo.get(token);
  if (known !== undefined) return known;
  const hash = createHash('sha256').update(token).digest('hex');
  if (hashMemo.size >= HASH_MEMO_SIZE) hashMemo.delete(hashMemo.keys().next().value as string);
  hashMemo.set(token, hash);
  return hash;
}

/**
 * Issues a bearer token for `client`, optionally bound to one organization. Tokens are random
 * bytes from the OS, never from the seeded faker: they are secrets, and drawing them from the
 * seeded stream would also shift every id generated after them. The client's expired tokens
 * are purged and, past the cap, its oldest ones dropped, in the same transaction (tokens are
 * listed per client, `novaTokens` owned by `clientId`).
 *
 * @example
 * const token = await issueToken(ctx, client, null); // 'x3Qm…' (43 base64url characters)
 */
export async function issueToken(ctx: AppContext<NovaData>, client: Client, organization: string | null): Promise<string> {
  const token = `${ctx.tokenPrefix ?? ''}${randomBytes(32).toString('base64url')}`;
  const nowMs = ctx.clock.nowMs();
  await ctx.store.commit((tx) => {
    tx.put('novaTokens', hashToken(token), { clientId: client.clientId, organization, expiresAtMs: nowMs + TOKEN_LIFETIME_SECONDS * 1000 });
    // Held by the store as it commits, so concurrent token requests cannot each keep their own.
    tx.keepAtMost('novaTokens', client.clientId, MAX_TOKENS_PER_CLIENT, { field: 'expiresAtMs', atOrBeforeMs: nowMs, scan: MAX_TOKENS_PER_CLIENT + 1 });
  });
  return token;
}

/**
 * The token's record, `'expired'`, or undefined when it was never issued (or was dropped).
 * Given the request's `res`, a record fetched ahead with the shared state is used (`readRecord`).
 *
 * @example
 * await findToken(store, clock.nowMs(), accessToken); // { clientId: 'sandbox_client', organization: null, expiresAtMs: … }
 */
export async function findToken(store: RecordStore<NovaData>, nowMs: number, token: string, res?: Response): Promise<TokenRecord | 'expired' | undefined> {
  const record = res ? await readRecord(res, store, 'novaTokens', hashToken(token)) : await store.get('novaTokens', hashToken(token));
  if (!record) return undefined;
  return nowMs >= record.expiresAtMs ? 'expired' : record;
}
