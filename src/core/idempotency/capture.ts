import type { Response } from 'express';

export interface CapturedResponse {
  status: number;
  contentType: string | null;
  /** Every body byte, joined on first read: a `settle` that never reads it pays nothing for it. */
  readonly body: Buffer;
}

/**
 * Lets `settle` see the complete response (status, content type, every body byte) before its
 * last byte goes out, whoever writes it: a route handler, or the app's final error handler
 * rendering a failure thrown anywhere later in the chain. It works at `res.write`/`res.end`,
 * the level `res.json` and `res.send` both end in. The real `end` runs once `settle` resolves,
 * so whatever `settle` records is in place before the client can retry. The chunks are kept as
 * written (a string is not copied into bytes unless `body` is read).
 *
 * @example
 * beforeResponseEnds(res, async ({ status, body }) => { await remember(status, body.toString('utf8')); });
 */
export function beforeResponseEnds(res: Response, settle: (captured: CapturedResponse) => Promise<void>, options: { capture?: boolean } = {}): void {
  const chunks: Chunk[] = [];
  const originalWrite = res.write;
  const originalEnd = res.end;

  // `capture: false`: `settle` needs only the moment, not the bytes (`body` is then empty).
  if (options.capture !== false) {
    res.write = function captureWrite(this: Response, ...args: unknown[]): boolean {
      keep(chunks, args[0], args[1]);
      return Reflect.apply(originalWrite, this, args) as boolean;
    } as Response['write'];
  }

  res.end = function captureEnd(this: Response, ...args: unknown[]): Response {
    res.write = originalWrite;
    res.end = originalEnd;
    if (options.capture !== false && typeof args[0] !== 'function') keep(chunks, args[0], args[1]);
    const contentType = res.getHeader('content-type');
    let body: Buffer | undefined;
    const captured: CapturedResponse = {
      status: res.statusCode,
      contentType: contentType === undefined ? null : String(contentType),
      get body() {
        return (body ??= Buffer.concat(chunks.map(toBuffer)));
      },
    };
    const finish = () => Reflect.apply(originalEnd, this, args) as Response;
    settle(captured).then(finish, finish);
    return this;
  } as Response['end'];
}

/** A chunk as written: bytes (copied: the writer may reuse them), or a string with its encoding. */
type Chunk = Buffer | { text: string; encoding: BufferEncoding };

function keep(chunks: Chunk[], chunk: unknown, encoding: unknown): void {
  if (typeof chunk === 'string') chunks.push({ text: chunk, encoding: typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8' });
  else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
}

function toBuffer(chunk: Chunk): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.text, chunk.encoding);
}
