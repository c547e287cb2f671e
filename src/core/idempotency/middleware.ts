import { randomUUID } from 'node:crypto';
import express, { type Request, type RequestHandler, type Response } from 'express';
import type { SandboxClock } from '../clock.js';
import { fail } from '../errors.js';
import type { KeyClaimResult, KeyRecord, RecordRef, RecordStore, Transaction } from '../store/record-store.js';
import { addReadAhead, type KeyClaimAhead } from '../store/read-ahead.js';
import type { Collections } from '../store/types.js';
import { singleHeader } from '../validation.js';
import { beforeResponseEnds } from './capture.js';
import { requestFingerprint } from './fingerprint.js';

/** Methods an idempotency key applies to; on every other method the header is ignored. */
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Most answers a store keeps unless told otherwise: the bound README and `openapi/nova.yaml` document. */
export const DEFAULT_MAX_KEY_RECORDS = 10_000;

/** Every key record of a store shares this owner: their creation order is their eviction order. */
export const KEY_OWNER = '';

/** The content type `res.json` sends, which a replay must repeat. */
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** A store holding the records in collection `C`. */
export type IdempotencyCollections<C extends string> = Collections & { [K in C]: Record<string, KeyRecord> };

export interface IdempotencyOptions<C extends string, D extends IdempotencyCollections<C>> {
  store: RecordStore<D>;
  clock: SandboxClock;
  /** The store collection records live in (one per API, e.g. `novaIdempotencyKeys`); its owner must be `KEY_OWNER`. */
  collection: C;
  /** Whose key it is (e.g. client and organization): keys of different scopes never meet. */
  scope(req: Request, res: Response): string;
  /** How long a stored answer is replayed, in sandbox time. Default 24 hours. */
  retentionSeconds?: number;
  /** At most this many records are kept; storing one more drops the oldest. Default 10,000. */
  maxRecords?: number;
  /** Longest key accepted. Default 255. */
  maxKeyLength?: number;
  /**
   * How long, in real time, a claim holds while its request runs. Past it the claim lapses (its
   * instance is taken for dead) and a retry runs the operation. Default 60 s.
   */
  leaseSeconds?: number;
  /**
   * The records the request will read once it holds its key, from its method, path and parsed
   * (not yet validated) body: the store may read them with the claim (`KeyClaim.alsoRead`) and
   * the handler then finds them with `readRecords`, one round trip fewer on PostgreSQL.
   */
  readAhead?(req: Request, res: Response): RecordRef[];
}

/** The settings of `IdempotencyOptions` that a claim taken ahead (`keyClaimAhead`) needs as well. */
export type KeySettings<C extends string> = Pick<IdempotencyOptions<C, IdempotencyCollections<C>>, 'collection' | 'retentionSeconds' | 'leaseSeconds' | 'maxKeyLength'>;

function settingsOf<C extends string>(options: KeySettings<C>) {
  return {
    retentionMs: (options.retentionSeconds ?? 24 * 60 * 60) * 1000,
    leaseMs: (options.leaseSeconds ?? 60) * 1000,
    maxKeyLength: options.maxKeyLength ?? 255,
  };
}

/** The key a request carries, when it is one the idempotency step would claim (a mutating method, sent once, of an accepted length). */
function claimableKey(req: Request, maxKeyLength: number): string | undefined {
  if (!MUTATING.has(req.method)) return undefined;
  const sent = req.headersDistinct['idempotency-key'];
  const key = sent?.length === 1 ? sent[0] : undefined;
  return key !== undefined && acceptedLength(key, maxKeyLength) ? key : undefined;
}

/** A key of 1 to `maxKeyLength` characters: the step refuses any other (400), and nothing claims it. */
function acceptedLength(key: string, maxKeyLength: number): boolean {
  return key.length > 0 && key.length <= maxKeyLength;
}

/** Where a key's answer is stored: one per scope and key. */
function storeKeyOf(scope: string, key: string): string {
  return JSON.stringify([scope, key]);
}

/**
 * The claim a keyed request will make, for the read-ahead to take with the shared state
 * (`KeyClaimAhead`), given a forecast of the scope the idempotency step will settle and the
 * body already parsed; undefined for a request the step would not claim for.
 *
 * @example
 * const claim = keyClaimAhead(req, { collection: 'novaIdempotencyKeys' }, 'client_1 org_1');
 */
export function keyClaimAhead<C extends string>(req: Request, options: KeySettings<C>, scope: string): KeyClaimAhead | undefined {
  const { retentionMs, leaseMs, maxKeyLength } = settingsOf(options);
  const key = claimableKey(req, maxKeyLength);
  if (key === undefined) return undefined;
  return {
    collection: options.collection,
    id: storeKeyOf(scope, key),
    claim: { fingerprint: requestFingerprint(req.method, req.originalUrl, req.body), claimToken: randomUUID(), retentionMs, leaseMs },
  };
}

/**
 * Holds a claim taken ahead (`KeyClaimAhead`) until the idempotency step adopts it: an answer
 * that ends the request before then (a fault, 401, a body error: none of which the key may
 * keep) releases the claim before its last byte goes out, so a retry runs the operation.
 *
 * @example
 * if (found.claim?.state === 'claimed') holdClaimAhead(res, ctx.store, plan.claim);
 */
export function holdClaimAhead(res: Response, store: Pick<RecordStore<Collections>, 'releaseKey'>, ahead: KeyClaimAhead): void {
  beforeResponseEnds(
    res,
    async () => {
      if (res.locals.request.claimAhead?.adopted) return;
      await store.releaseKey(ahead.collection, ahead.id, ahead.claim.claimToken).catch(() => undefined); // else it lapses with its lease
    },
    { capture: false },
  );
}

/** The claim a keyed request holds while it runs; the handler stores its answer in its own commit. */
interface HeldKey {
  complete(tx: Transaction<Collections>, status: number, body: unknown): void;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      /** The idempotency key this request holds, if it carries one (set by `idempotency`). */
      heldKey?: HeldKey;
    }
  }
}

/**
 * Makes `res.json(value)` of the answer a commit stored send the text it stored, instead of
 * serializing the same body a second time, exactly as express would have sent it (its
 * `Content-Type` unless one is set, then `res.send` of the text). Only over express's own
 * `res.json`: a wrapped one (`--strict`, which checks each answer on its way out) is called as
 * it is.
 */
function sendStoredJsonOnce(res: Response, storedAnswer: () => { value: unknown; json: string } | undefined): void {
  const json = res.json;
  if (json !== express.response.json) return;
  res.json = function sendStoredJson(this: Response, value: unknown): Response {
    const stored = storedAnswer();
    if (stored === undefined || value !== stored.value) return json.call(this, value);
    if (!this.get('Content-Type')) this.set('Content-Type', 'application/json');
    return this.send(stored.json);
  } as Response['json'];
}

/** Answers that are not stored: the client may retry them and the operation runs again. */
function isTransientStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/**
 * Stores the answer of a keyed request in the same transaction as the writes it made, so a
 * crash leaves both or neither: a retry then replays the answer or runs the request for the
 * first time, never a second time. A handler that writes calls it inside its commit and then
 * sends exactly `body` with `status` through `res.json`. Requests without a key: nothing.
 *
 * @example
 * await ctx.store.commit((tx) => { tx.put('novaContacts', c.id, record); completeKeyedRequest(res, tx, 201, body); });
 * res.status(201).json(body);
 */
export function completeKeyedRequest<D extends Collections>(res: Response, tx: Transaction<D>, status: number, body: unknown): void {
  res.locals.heldKey?.complete(tx as unknown as Transaction<Collections>, status, body);
}

/**
 * `Idempotency-Key` for any API that opts in: mount it after authentication (the scope needs
 * the caller) and body parsing (the fingerprint needs the body), before request validation and
 * the handlers, so that every answer the request gets is captured. Within the retention a retry
 * with the same key and the same request replays the stored status and body byte for byte with
 * `Idempotent-Replayed: true`; a different request is 409 (`idempotency_mismatch`); a retry while
 * the first still runs is 409 (`idempotency_conflict`). 5xx, 408 and 429 answers are not stored.
 *
 * The key is claimed in the store (`RecordStore.claimKey`: one winner, across instances too)
 * before the request runs; under `--database` the read-ahead may already have taken that claim
 * with the shared state (`keyClaimAhead`), and this step then adopts it. The answer of a request that wrote something is committed with its
 * writes (`completeKeyedRequest`); any other answer is stored when the response ends, before its
 * last byte leaves. The oldest records are evicted in that same commit, O(1) per request, once
 * they expire or the store would hold more than `maxRecords`.
 *
 * @example
 * router.use('/v1', idempotency({ store, clock, collection: 'novaIdempotencyKeys', scope: (_req, res) => callerOf(res.locals).clientId }));
 */
export function idempotency<C extends string, D extends IdempotencyCollections<C>>(options: IdempotencyOptions<C, D>): RequestHandler {
  const { store, clock, collection } = options;
  const { retentionMs, leaseMs, maxKeyLength } = settingsOf(options);
  const maxRecords = options.maxRecords ?? DEFAULT_MAX_KEY_RECORDS;

  /**
   * Stores the answer in `tx` and bounds the records there, in the commit that grows them: the
   * oldest beyond `maxRecords` go, and the expired among the two oldest (purged as keys are
   * stored, O(1) a request). Held by the store as it commits, so a burst of concurrent keyed
   * requests cannot each evict the same old key and keep their own.
   */
  function storeAnswer(tx: Transaction<Collections>, storeKey: string, claimToken: string, record: KeyRecord): void {
    tx.completeKey(collection, storeKey, claimToken, record);
    tx.keepAtMost(collection, KEY_OWNER, maxRecords, { field: 'storedAtMs', atOrBeforeMs: record.storedAtMs - retentionMs, scan: 2 });
  }

  return async function idempotencyKeys(req, res, next) {
    if (!MUTATING.has(req.method)) return next(); // ignored on reads, even when malformed
    const key = singleHeader(req, 'Idempotency-Key');
    if (key === undefined) return next();
    if (!acceptedLength(key, maxKeyLength)) {
      fail({ kind: 'validation', status: 400, field: 'Idempotency-Key', message: `Idempotency-Key must be 1 to ${maxKeyLength} characters` });
    }

    const storeKey = storeKeyOf(options.scope(req, res), key);
    const mismatch = () => fail({ kind: 'idempotency_mismatch', status: 409, field: 'Idempotency-Key', message: `Idempotency-Key '${key}' was already used with a different request` });

    // A claim the read-ahead took for this very key is this request's (with its fingerprint:
    // the body has not changed since); one for another scope (a wrong forecast) is given back.
    const ahead = res.locals.request.claimAhead;
    let claimed: KeyClaimResult;
    let claimToken: string;
    let fingerprint: string;
    if (ahead && ahead.ahead.collection === collection && ahead.ahead.id === storeKey && ahead.result) {
      ahead.adopted = true;
      ({ claimToken, fingerprint } = ahead.ahead.claim);
      claimed = ahead.result;
    } else {
      if (ahead) {
        ahead.adopted = true;
        if (ahead.result?.state === 'claimed') await store.releaseKey(ahead.ahead.collection as C, ahead.ahead.id, ahead.ahead.claim.claimToken);
      }
      fingerprint = ahead?.ahead.claim.fingerprint ?? requestFingerprint(req.method, req.originalUrl, req.body);
      claimToken = randomUUID();
      const alsoRead = options.readAhead?.(req, res) ?? [];
      claimed = await store.claimKey(collection, storeKey, { fingerprint, claimToken, nowMs: clock.nowMs(), retentionMs, leaseMs, ...(alsoRead.length > 0 && { alsoRead }) });
      if (claimed.state === 'claimed' && claimed.records) addReadAhead(res, alsoRead, claimed.records);
    }
    if (claimed.state === 'in_flight') {
      if (claimed.fingerprint !== fingerprint) mismatch();
      fail({ kind: 'idempotency_conflict', status: 409, field: 'Idempotency-Key', message: `a request with Idempotency-Key '${key}' is still being processed; retry shortly` });
    }
    if (claimed.state === 'done') {
      if (claimed.record.fingerprint !== fingerprint) mismatch();
      res.status(claimed.record.status).set('Idempotent-Replayed', 'true');
      if (claimed.record.contentType) res.set('Content-Type', claimed.record.contentType);
      res.send(Buffer.from(claimed.record.body, 'utf8'));
      return;
    }

    let completed = false;
    /** The answer `complete` stored, serialized once: `res.json` of that very body sends this text. */
    let stored: { value: unknown; json: string } | undefined;
    const recordOf = (status: number, contentType: string | null, body: string): KeyRecord => ({ fingerprint, status, contentType, body, storedAtMs: clock.nowMs() });
    res.locals.heldKey = {
      complete(tx, status, body) {
        completed = true;
        stored = { value: body, json: JSON.stringify(body) };
        storeAnswer(tx, storeKey, claimToken, recordOf(status, JSON_CONTENT_TYPE, stored.json));
      },
    };
    sendStoredJsonOnce(res, () => stored);
    // The claim holds until the answer is complete, even when the client has gone away: a
    // client that timed out and retries gets 409 `conflict` (then the stored answer), never a
    // second run of an operation that is still under way.
    beforeResponseEnds(res, async (captured) => {
      try {
        // A transient answer (a failed commit's 500 among them) frees the key for a retry.
        if (isTransientStatus(captured.status)) return await store.releaseKey(collection, storeKey, claimToken);
        if (completed) return; // committed with the request's own writes (its bytes are never joined)
        await store.commit((tx) => storeAnswer(tx as unknown as Transaction<Collections>, storeKey, claimToken, recordOf(captured.status, captured.contentType, captured.body.toString('utf8'))));
      } catch {
        // A failed write must not swallow the answer itself: the client still gets it, and the
        // claim lapses after its lease.
      }
    });
    next();
  };
}
