import type { RequestHandler } from 'express';
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/** What a request line says about the API and operation a request hit (null when none). */
export interface RequestLabel {
  api: string | null;
  operation: string | null;
}

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
 * One structured line per request once its response is done: method, path (no query string:
 * it may carry filters, never worth the noise), status, duration in milliseconds, the API and
 * the documented operation (`label` says which). Server errors log at `error`, with the stack
 * of what was thrown (the client only ever sees its API's envelope).
 *
 * @example
 * app.use(requestLogging(logger, (method, path) => ({ api: 'norcap', operation: 'listDistributions' })));
 * // {"level":"info","time":"…","method":"GET","path":"/v3/custody/distributions","status":200,"duration_ms":1.2,"api":"norcap","operation":"listDistributions"}
 */
export function requestLogging(logger: Logger, label: (method: string, path: string) => RequestLabel): RequestHandler {
  return function logRequest(req, res, next) {
    const started = process.hrtime.bigint();
    let logged = false;
    // On `finish` (the answer is out) or, for a client that went away first, on `close`:
    // whichever comes first, once. `close` alone can trail a server shutdown on keep-alive sockets.
    const logResponse = function logResponse(): void {
      if (logged) return;
      logged = true;
      const path = req.originalUrl.split('?', 1)[0] ?? req.originalUrl;
      const line: Record<string, unknown> = {
        method: req.method,
        path,
        status: res.statusCode,
        duration_ms: Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100,
        ...label(req.method, path),
      };
      if (!res.writableFinished) line.aborted = true; // the client went away first
      const error: unknown = res.locals.internalError;
      if (error !== undefined) {
        line.err = error;
        logger.error(line, 'request failed');
      } else if (res.statusCode >= 500) {
        logger.error(line, 'request');
      } else {
        logger.info(line, 'request');
      }
    };
    res.once('finish', logResponse);
    res.once('close', logResponse);
    next();
  };
}
