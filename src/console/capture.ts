import type { Request, RequestHandler, Response } from 'express';
import type { RequestState } from '../core/pipeline/request-state.js';

/** The most of a response body the console keeps; the rest is cut (and says so). */
export const MAX_CAPTURED_BODY = 64 * 1024;

/**
 * What the console keeps of one exchange as it ends, raw: references and the response's first
 * bytes. Nothing is masked, parsed or copied here (that is the console's work, after the
 * response is out, see `rows.ts`); the request path only pays for collecting the bytes.
 */
export interface RawCapture {
  query: string;
  requestHeaders: Request['headers'];
  /** What the API's body parser left (`req.body`): an object for JSON and forms, undefined when never read. */
  requestBody: unknown;
  responseHeaders: ReturnType<Response['getHeaders']>;
  /** The body as written: a UTF-8 string kept as it came (no copy on the request path), else bytes; read it with `responseTextOf`. */
  responseChunks: (Buffer | string)[];
  responseBytes: number;
  truncated: boolean;
}

const captures = new WeakMap<RequestState, RawCapture>();

/**
 * The captured response body as text (UTF-8).
 *
 * @example
 * JSON.parse(responseTextOf(capture));
 */
export function responseTextOf(capture: RawCapture): string {
  const chunks = capture.responseChunks;
  if (chunks.length === 1 && typeof chunks[0] === 'string') return chunks[0];
  return Buffer.concat(chunks.map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk))).toString('utf8');
}

/** The capture of a request, once its response is done (the journal's listeners read it). */
export function captureOf(state: unknown): RawCapture | undefined {
  return typeof state === 'object' && state !== null ? captures.get(state as RequestState) : undefined;
}

/** Paths whose exchanges are not kept: the console's own and the health probe. */
function uncaptured(path: string): boolean {
  return path === '/healthz' || path === '/console' || path.startsWith('/console/');
}

/**
 * The tap: before the door (so its `finish` listener runs before the journal's), it collects
 * what the response writes, up to `MAX_CAPTURED_BODY`, and on `finish` (or `close`) files the
 * capture under the request's state for the journal's listeners.
 *
 * @example
 * app.use(captureExchanges()); // then the door, resolveRequest, the pipelines…
 */
export function captureExchanges(): RequestHandler {
  return function captureExchange(req, res, next) {
    if (uncaptured(req.path)) return next();
    const capture: RawCapture = {
      query: queryOf(req.originalUrl),
      requestHeaders: req.headers,
      requestBody: undefined,
      responseHeaders: {},
      responseChunks: [],
      responseBytes: 0,
      truncated: false,
    };
    collect(res, capture);
    let done = false;
    const file = (): void => {
      if (done) return;
      done = true;
      capture.requestBody = (req as { body?: unknown }).body;
      capture.responseHeaders = res.getHeaders(); // already a copy
      const state = res.locals.request as RequestState | undefined;
      if (state) captures.set(state, capture);
    };
    res.once('finish', file);
    res.once('close', file);
    next();
  };
}

function queryOf(url: string): string {
  const at = url.indexOf('?');
  return at < 0 ? '' : url.slice(at);
}

type Chunk = string | Buffer | Uint8Array;

/** Wraps `res.write` and `res.end` to keep their first bytes. */
function collect(res: Response, capture: RawCapture): void {
  const keep = (chunk: unknown, encoding: unknown): void => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function' || capture.truncated) return;
    const room = MAX_CAPTURED_BODY - capture.responseBytes;
    // The usual answer: one UTF-8 string (res.json), well within the room, kept as it is.
    if (typeof chunk === 'string' && (encoding === undefined || encoding === 'utf8' || encoding === 'utf-8' || typeof encoding === 'function')) {
      const bytes = Buffer.byteLength(chunk, 'utf8');
      if (bytes <= room) {
        capture.responseChunks.push(chunk);
        capture.responseBytes += bytes;
        return;
      }
    }
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8') : Buffer.from(chunk as Uint8Array);
    if (buffer.length > room) capture.truncated = true;
    const kept = buffer.length > room ? buffer.subarray(0, room) : buffer;
    capture.responseChunks.push(kept);
    capture.responseBytes += kept.length;
  };
  const write = res.write.bind(res) as (chunk: Chunk, ...rest: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  res.write = function writeAndKeep(chunk: Chunk, ...rest: unknown[]) {
    keep(chunk, rest[0]);
    return write(chunk, ...rest);
  } as Response['write'];
  res.end = function endAndKeep(...args: unknown[]) {
    keep(args[0], args[1]);
    return end(...args);
  } as Response['end'];
}
