/**
 * The store cannot be reached (PostgreSQL down, unreachable, timing out, out of connections).
 * Every API renders it as 503 in its own envelope; the request may be retried. The driver's
 * error is kept as `cause` for the log, never shown to the client.
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';

  constructor(message = 'the state store is unavailable', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * `tx.completeKey` named a claim its caller no longer holds: the lease lapsed and another
 * instance claimed the key. The transaction was rolled back, so nothing of it was written;
 * the other claimer's answer is the one that counts.
 */
export class ClaimLostError extends Error {
  override readonly name = 'ClaimLostError';

  constructor(
    readonly collection: string,
    readonly id: string,
  ) {
    super(`the claim on idempotency key '${id}' (${collection}) lapsed and was taken by another request; nothing was written`);
  }
}
