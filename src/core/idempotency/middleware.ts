import type { Request, RequestHandler, Response } from 'express';
import type { SandboxClock } from '../clock.js';
import { fail } from '../errors.js';
import { singleHeader } from '../validation.js';
import type { Store } from '../store/store.js';
import type { Collections } from '../store/types.js';
import { beforeResponseEnds } from './capture.js';
import { requestFingerprint } from './fingerprint.js';
import type { IdempotencyRecord } from './types.js';

/** Methods an idempotency key applies to; on every other method the header is ignored. */
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A store holding the records in collection `C`. */
export type IdempotencyCollections<C extends string> = Collections & { [K in C]: Record<string, IdempotencyRecord> };

export interface IdempotencyOptions<C extends string, D extends IdempotencyCollections<C>> {
  store: Store<D>;
  clock: SandboxClock;
  /** The store collection records live in (one per API, e.g. `novaIdempotencyKeys`). */
  collection: C;
  /** Whose key it is (e.g. client and organization): keys of different scopes never meet. */
  scope(req: Request, res: Response): string;
  /** How long a stored answer is replayed. Default 24 hours. */
  retentionSeconds?: number;
  /** At most this many records are kept; storing one more drops the oldest. Default 10,000. */
  maxRecords?: number;
  /** Longest key accepted. Default 255. */
  maxKeyLength?: number;
}

/** Answers that are not stored: the client may retry them and the operation runs again. */
function isTransientStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/**
 * `Idempotency-Key` for any API that opts in: mount it after authentication (the scope needs
 * the caller) and before request validation and the handlers, so that every answer the
 * request gets (a handler's, or an error rendered by the app's final error handler) is
 * captured. Within the retention a retry with the same key and the same request replays the
 * stored status and body byte for byte with `Idempotent-Replayed: true`; a different request
 * is 409 (`idempotency_mismatch`); a retry while the first still runs is 409
 * (`idempotency_conflict`). 5xx, 408 and 429 answers are not stored.
 *
 * The in-flight marker is set synchronously, before anything is awaited, so concurrent
 * requests with one key never run the operation twice; it is cleared when the answer is
 * complete, whether or not the client is still there. Records live in the store (persistence
 * covers them); in-flight markers live in memory only, so a crash never leaves a key stuck.
 * Expired records are purged, oldest first, each time a record is stored.
 *
 * @example
 * router.use('/v1', idempotency({ store, clock, collection: 'novaIdempotencyKeys', scope: (_req, res) => callerOf(res.locals).clientId }));
 */
export function idempotency<C extends string, D extends IdempotencyCollections<C>>(options: IdempotencyOptions<C, D>): RequestHandler {
  const { store, clock, collection } = options;
  const retentionMs = (options.retentionSeconds ?? 24 * 60 * 60) * 1000;
  const maxRecords = options.maxRecords ?? 10_000;
  const maxKeyLength = options.maxKeyLength ?? 255;
  const inFlight = new Map<string, { fingerprint: string }>();
  const size = new CollectionSize();

  const records = (): Readonly<Record<string, IdempotencyRecord>> => store.data[collection] ?? {};
  const isLive = (record: IdempotencyRecord, nowMs: number) => nowMs < record.storedAtMs + retentionMs;

  /** Ids to drop before storing one more: expired ones, then the oldest beyond the cap. */
  function evictions(nowMs: number): string[] {
    const all = records();
    let remaining = size.of(all);
    const out: string[] = [];
    // Records are kept in the order they were stored (re-stored keys move to the end), which is
    // also the order they expire in: the walk stops at the first live record within the cap.
    for (const id in all) {
      if (remaining < maxRecords && isLive(all[id] as IdempotencyRecord, nowMs)) break;
      out.push(id);
      remaining--;
    }
    return out;
  }

  async function remember(storeKey: string, record: IdempotencyRecord): Promise<void> {
    await store.commit((tx) => {
      const evicted = evictions(record.storedAtMs);
      for (const id of evicted) tx.delete(collection, id);
      const replaced = !evicted.includes(storeKey) && Object.hasOwn(records(), storeKey);
      if (replaced) tx.delete(collection, storeKey); // so that it moves to the end of the order
      tx.put(collection, storeKey, record as D[C][string]);
      size.adjust(1 - evicted.length - Number(replaced));
    });
  }

  return function idempotencyKeys(req, res, next) {
    if (!MUTATING.has(req.method)) return next(); // ignored on reads, even when malformed
    const key = singleHeader(req, 'Idempotency-Key');
    if (key === undefined) return next();
    if (key.length === 0 || key.length > maxKeyLength) {
      fail({ kind: 'validation', status: 400, field: 'Idempotency-Key', message: `Idempotency-Key must be 1 to ${maxKeyLength} characters` });
    }

    const storeKey = JSON.stringify([options.scope(req, res), key]);
    const fingerprint = requestFingerprint(req.method, req.originalUrl, req.body);
    const mismatch = () => fail({ kind: 'idempotency_mismatch', status: 409, field: 'Idempotency-Key', message: `Idempotency-Key '${key}' was already used with a different request` });

    const running = inFlight.get(storeKey);
    if (running) {
      if (running.fingerprint !== fingerprint) mismatch();
      fail({ kind: 'idempotency_conflict', status: 409, field: 'Idempotency-Key', message: `a request with Idempotency-Key '${key}' is still being processed; retry shortly` });
    }

    const stored = store.get(collection, storeKey) as IdempotencyRecord | undefined;
    if (stored && isLive(stored, clock.nowMs())) {
      if (stored.fingerprint !== fingerprint) mismatch();
      res.status(stored.status).set('Idempotent-Replayed', 'true');
      if (stored.contentType) res.set('Content-Type', stored.contentType);
      res.send(Buffer.from(stored.body, 'utf8'));
      return;
    }

    const marker = { fingerprint };
    inFlight.set(storeKey, marker);
    const release = () => {
      if (inFlight.get(storeKey) === marker) inFlight.delete(storeKey);
    };
    // The marker stays until the answer is complete, even when the client has gone away: a
    // client that timed out and retries must get 409 `conflict` (then the stored answer), not a
    // second run of an operation that is still under way.
    beforeResponseEnds(res, async ({ status, contentType, body }) => {
      release();
      if (isTransientStatus(status)) return;
      const record: IdempotencyRecord = { fingerprint, status, contentType, body: body.toString('utf8'), storedAtMs: clock.nowMs() };
      // A failed write must not swallow the answer itself: the client still gets it.
      await remember(storeKey, record).catch(() => undefined);
    });
    next();
  };
}

/**
 * The number of records, counted once per collection object and then kept by the middleware,
 * its only writer. A store reset swaps the object, which triggers a recount.
 */
class CollectionSize {
  private counted: object | undefined;
  private size = 0;

  of(records: object): number {
    if (records !== this.counted) {
      this.counted = records;
      this.size = Object.keys(records).length;
    }
    return this.size;
  }

  adjust(delta: number): void {
    this.size += delta;
  }
}
