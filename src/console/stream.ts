import type { Request, Response } from 'express';
import { loadOnce } from '../core/load-once.js';
import type { ConsoleFeed, FeedItem } from './feed.js';

export interface StreamOptions {
  /** Milliseconds between heartbeats (an SSE comment); default 15 s. */
  heartbeatMs?: number;
  /** The most bytes a console may have unsent before it is dropped (it reconnects and resumes); default 1 MiB. */
  maxQueuedBytes?: number;
}

/** The streams open now: ended when the sandbox stops (a stop waits for every response). */
export class OpenStreams {
  private readonly open = new Set<Response>();
  private closing = false;

  add(res: Response): boolean {
    if (this.closing) return false;
    this.open.add(res);
    res.once('close', () => this.open.delete(res));
    return true;
  }

  get size(): number {
    return this.open.size;
  }

  /** Ends every stream (and refuses new ones): the server is stopping. */
  closeAll(): void {
    this.closing = true;
    for (const res of this.open) res.end();
  }
}

/** better-sse, loaded with the first stream rather than at start. */
const betterSse = loadOnce(() => import('better-sse'));

export const DEFAULT_HEARTBEAT_MS = 15_000;
export const DEFAULT_MAX_QUEUED_BYTES = 1024 * 1024;

/**
 * `GET /console/stream`: the workspace's feed as Server-Sent Events (better-sse). First a
 * `hello` (the feed's epoch; `fresh` when this console must start over, `gap` when rows it had
 * not seen were dropped), then every kept event after `Last-Event-ID`, then each new one live,
 * with a heartbeat comment in between. A console whose socket holds more than `maxQueuedBytes`
 * unsent is dropped, never buffered without limit; its browser reconnects and resumes.
 */
export async function streamFeed(req: Request, res: Response, feed: ConsoleFeed, workspaceId: string, streams: OpenStreams, options: StreamOptions = {}): Promise<void> {
  if (!streams.add(res)) {
    res.status(503).setHeader('Retry-After', '1');
    res.end();
    return;
  }
  const maxQueued = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
  res.setHeader('X-Accel-Buffering', 'no');
  const { createSession } = await betterSse();
  const session = await createSession(req, res, {
    keepAlive: options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
    retry: 1000,
    serializer: (data) => String(data),
  });
  let open = true;
  const drop = (): void => {
    if (!open) return;
    open = false;
    res.destroy();
  };
  const unsubscribe = feed.subscribe(
    {
      send(items) {
        if (!open || !session.isConnected) return false;
        if (res.writableLength > maxQueued) {
          drop();
          return false;
        }
        // One write per batch, of bytes encoded once for every console the batch goes to.
        res.write(bytesOf(items));
        return true;
      },
    },
    session.lastId === '' ? undefined : session.lastId,
    (plan) => session.push(JSON.stringify({ feed: feed.epoch, workspace: workspaceId, capacity: feed.capacity, ...plan }), 'hello', plan.fresh ? `${feed.epoch}.0` : session.lastId),
  );
  session.once('disconnected', () => {
    open = false;
    unsubscribe();
  });
}

/**
 * A batch's frames as one buffer, made on its first console's write and reused by the others:
 * with 20 consoles, joining and encoding each batch 20 times showed in the create's p99 (the
 * feed hands every subscriber the same array; a resumed console's filtered one gets its own).
 */
const encoded = new WeakMap<readonly FeedItem[], Buffer>();

function bytesOf(items: readonly FeedItem[]): Buffer {
  let bytes = encoded.get(items);
  if (!bytes) {
    bytes = Buffer.from(items.length === 1 ? (items[0] as FeedItem).frame : items.map((item) => item.frame).join(''), 'utf8');
    encoded.set(items, bytes);
  }
  return bytes;
}
