import type { RequestObserver } from './pipeline/resolve-request.js';
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * The server's logger: pino, one JSON object per line, `level` as a word and an ISO `time`.
 * Written to stdout asynchronously (call `logger.flush()` before exiting).
 *
 * @example
 * const logger = createLogger(); // JSON lines on stdout
 * logger.info({ url }, 'listening');
 */
export function createLogger(destination: DestinationStream = pino.destination({ dest: 1, sync: false })): Logger {
  return pino(
    {
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

/**
 * The request log, as an observer of the pipeline: one structured line per request once its
 * response is done: method, path (no query string: it may carry filters, never worth the
 * noise), status, duration in milliseconds, the API and the documented operation, as resolved
 * at the door. Server errors log at `error`, with the stack of what was thrown (the client only
 * ever sees its API's envelope). With `requestLines: false` (`--quiet`) only those errors are
 * written.
 *
 * Hand-written rather than pino-http: the line is built from the state the pipeline already
 * resolved, and pino-http would make a child logger and serialize the whole req/res per request
 * only for most of it to be dropped.
 *
 * @example
 * app.use(resolveRequest([requestLog(logger)]));
 * // {"level":"info","time":"…","method":"GET","path":"/v3/custody/distributions","status":200,"duration_ms":1.2,"api":"norcap","operation":"listDistributions","msg":"request"}
 */
export function requestLog(logger: Logger, options: { requestLines?: boolean } = {}): RequestObserver {
  const requestLines = options.requestLines ?? true;
  return {
    ended({ method, state, status, durationMs, aborted }) {
      const error = state.internalError;
      if (!requestLines && error === undefined && status < 500) return;
      const line: Record<string, unknown> = {
        method,
        path: state.path,
        status,
        duration_ms: Math.round(durationMs * 100) / 100,
        api: state.api,
        operation: state.operation?.operationId ?? null,
      };
      if (aborted) line.aborted = true; // the client went away first
      if (error !== undefined) {
        line.err = error;
        logger.error(line, 'request failed');
      } else if (status >= 500) {
        logger.error(line, 'request');
      } else {
        logger.info(line, 'request');
      }
    },
  };
}
