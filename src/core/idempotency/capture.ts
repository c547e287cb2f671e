import type { Response } from 'express';

export interface CapturedResponse {
  status: number;
  contentType: string | null;
  body: Buffer;
}

/**
 * Lets `settle` see the complete response (status, content type, every body byte) before its
 * last byte goes out, whoever writes it: a route handler, or the app's final error handler
 * rendering a failure thrown anywhere later in the chain. It works at `res.write`/`res.end`,
 * the level `res.json` and `res.send` both end in. The real `end` runs once `settle` resolves,
 * so whatever `settle` records is in place before the client can retry.
 *
 * @example
 * beforeResponseEnds(res, async ({ status, body }) => { await remember(status, body.toString('utf8')); });
 */
export function beforeResponseEnds(res: Response, settle: (captured: CapturedResponse) => Promise<void>, options: { capture?: boolean } = {}): void {
  const chunks: Buffer[] = [];
  const originalWrite = res.write;
  const originalEnd = res.end;

  // `capture: false`: `settle` needs only the moment, not the bytes (`body` is then empty).
  if (options.capture !== false) res.write = function captureWrite(this: Response, ...args: unknown[]): boolean {
    collect(chunks, args[0], args[1]);
    return Reflect.apply(originalWrite, this, args) as boolean;
  } as Response['write'];

  res.end = function captureEnd(this: Response, ...args: unknown[]): Response {
    res.write = originalWrite;
    res.end = originalEnd;
    if (options.capture !== false && typeof args[0] !== 'function') collect(chunks, args[0], args[1]);
    const contentType = res.getHeader('content-type');
    const captured = { status: res.statusCode, contentType: contentType === undefined ? null : String(contentType), body: Buffer.concat(chunks) };
    const finish = () => Reflect.apply(originalEnd, this, args) as Response;
    settle(captured).then(finish, finish);
    return this;
  } as Response['end'];
}

function collect(chunks: Buffer[], chunk: unknown, encoding: unknown): void {
  if (typeof chunk === 'string') chunks.push(Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'));
  else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
}
