import type { Request } from 'express';
import type { Socket } from 'node:net';

/** How long, and how much, a refused client's body is read and discarded after its answer. */
export interface LingerBounds {
  /** Real milliseconds at most (default 2000). */
  ms: number;
  /** Bytes at most (default 16 MiB). */
  bytes: number;
}

export const DEFAULT_LINGER: LingerBounds = { ms: 2000, bytes: 16 * 1024 * 1024 };

/**
 * Lingering close (as nginx does it): a request answered before its body was read (401, 413)
 * gets `Connection: close`, and Node would then close the socket at once. A client still
 * writing its body would have the rest of it land on a closed socket, so the kernel answers with
 * a reset that can overtake the answer: the client sees `EPIPE` or `ECONNRESET`, never the 413.
 * Instead, once the answer is out, the write side is closed (the client reads the answer and
 * EOF) and the body is read and discarded until the client stops sending, for at most
 * `bounds.ms` and `bounds.bytes`, so a refused upload can never hold a connection long.
 *
 * Node ends a `Connection: close` socket through `socket.destroySoon()` once the response is
 * finished (and already discards the rest of the body through the request); this replaces that
 * one call for this one socket.
 *
 * @example
 * if (!req.complete) { res.set('Connection', 'close'); lingerAfterAnswer(req, DEFAULT_LINGER); }
 */
export function lingerAfterAnswer(req: Request, bounds: LingerBounds = DEFAULT_LINGER): void {
  const socket = req.socket as Socket & { destroySoon?: () => void };
  if (typeof socket.destroySoon !== 'function' || socket.destroyed) return;
  socket.destroySoon = function lingeringClose() {
    if (socket.destroyed) return;
    let read = 0;
    const close = () => {
      clearTimeout(timer);
      socket.destroy();
    };
    const timer = setTimeout(close, bounds.ms);
    timer.unref();
    socket.on('data', (chunk: Buffer) => {
      read += chunk.length;
      if (read > bounds.bytes) close();
    });
    socket.once('end', close); // the client is done: nothing more to discard
    socket.once('close', () => clearTimeout(timer));
    socket.end(); // FIN after the answer: the client reads it, then EOF
    socket.resume();
  };
}
