/**
 * How long a connection may take, for a sandbox that faces the public internet. Node's defaults
 * (60 s for the headers, 5 min for a request, checked every 30 s) let a slow-header client
 * (slowloris) hold a socket for a minute or more; a hosted sandbox answers a stalled client
 * `408` and closes sooner.
 */
export interface ServerTimeouts {
  /** The whole request head must arrive within this (ms). Default 10 000. */
  headersMs: number;
  /** The whole request, body included, must arrive within this (ms; 0: no limit). Default 30 000. */
  requestMs: number;
  /** An idle keep-alive connection is closed after this (ms). Default 5 000. */
  keepAliveMs: number;
}

export const DEFAULT_SERVER_TIMEOUTS: ServerTimeouts = { headersMs: 10_000, requestMs: 30_000, keepAliveMs: 5_000 };

/**
 * Why `timeouts` cannot be used together, or `undefined`: Node refuses a request timeout shorter
 * than the headers timeout.
 */
export function timeoutsProblem(timeouts: ServerTimeouts): string | undefined {
  if (timeouts.requestMs !== 0 && timeouts.requestMs < timeouts.headersMs) return `the request timeout (${timeouts.requestMs} ms) must be at least the headers timeout (${timeouts.headersMs} ms), or 0`;
  return undefined;
}
