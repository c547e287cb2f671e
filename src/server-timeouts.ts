import { createServer, type RequestListener, type Server } from 'node:http';

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
 * An HTTP server for `listener` with `timeouts`. Node checks the headers and request timeouts
 * only every `connectionsCheckingInterval` (30 s by default), so that interval is tied to the
 * shortest of them: a stalled client is cut within about 1.25× its timeout.
 *
 * @example
 * createTimedServer(app, { headersMs: 2000, requestMs: 10_000, keepAliveMs: 5000 }).listen(0);
 */
export function createTimedServer(listener: RequestListener, timeouts: ServerTimeouts): Server {
  const shortest = Math.min(timeouts.headersMs, timeouts.requestMs || Infinity);
  const server = createServer(
    {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      keepAliveTimeout: timeouts.keepAliveMs,
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(shortest / 4))),
    },
    listener,
  );
  return server;
}

/**
 * Why `timeouts` cannot be used together, or `undefined`: Node refuses a request timeout shorter
 * than the headers timeout.
 */
export function timeoutsProblem(timeouts: ServerTimeouts): string | undefined {
  if (timeouts.requestMs !== 0 && timeouts.requestMs < timeouts.headersMs) return `the request timeout (${timeouts.requestMs} ms) must be at least the headers timeout (${timeouts.headersMs} ms), or 0`;
  return undefined;
}
