/**
 * One answer stored under an `Idempotency-Key`, as the store keeps it (JSON as it stands, so
 * `--data` persistence covers it and a restart still replays it).
 */
export interface IdempotencyRecord {
  /** SHA-256 of method, path and canonical body: a retry must match it exactly. */
  fingerprint: string;
  status: number;
  contentType: string | null;
  /** The serialized body exactly as it was sent (a replay sends these bytes again). */
  body: string;
  /** Sandbox-clock instant it was stored; retention counts from here. */
  storedAtMs: number;
}
