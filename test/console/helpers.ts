import { request as httpRequest, type IncomingMessage } from 'node:http';

/** One Server-Sent Event as the stream sent it. */
export interface StreamEvent {
  event: string;
  id: string | undefined;
  data: string;
}

/**
 * A console stream read the way a browser's EventSource reads it, from outside any page: every
 * event and comment as it arrives, and `next(predicate)` resolving with the first event (from
 * the start) that satisfies it, without a timer.
 */
export class StreamReader {
  readonly events: StreamEvent[] = [];
  /** Every byte received, for "no secret in the stream" checks. */
  raw = '';
  comments = 0;
  status = 0;
  private buffer = '';
  private waiters: { test: (e: StreamEvent) => boolean; resolve: (e: StreamEvent) => void; from: number }[] = [];
  private commentWaiters: (() => void)[] = [];
  private response: IncomingMessage | undefined;
  readonly opened: Promise<void>;

  constructor(url: string, headers: Record<string, string> = {}) {
    this.opened = new Promise((resolve, reject) => {
      const req = httpRequest(url, { headers: { Accept: 'text/event-stream', ...headers } }, (res) => {
        this.response = res;
        this.status = res.statusCode ?? 0;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => this.feed(chunk));
        res.on('error', () => undefined);
        resolve();
      });
      req.on('error', reject);
      req.end();
    });
  }

  private feed(chunk: string): void {
    this.raw += chunk;
    this.buffer += chunk;
    let at: number;
    while ((at = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, at);
      this.buffer = this.buffer.slice(at + 2);
      const event: StreamEvent = { event: 'message', id: undefined, data: '' };
      let isComment = true;
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        isComment = false;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event.event = value;
        else if (field === 'id') event.id = value;
        else if (field === 'data') data.push(value);
      }
      if (isComment) {
        this.comments += 1;
        this.commentWaiters.splice(0).forEach((resolve) => resolve());
        continue;
      }
      if (data.length === 0 && event.event === 'message') continue; // retry: only
      event.data = data.join('\n');
      this.events.push(event);
      for (const waiter of [...this.waiters]) {
        if (waiter.test(event)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(event);
        }
      }
    }
  }

  /** The first event (of all received, from the start) matching `test`; waits for it if none yet. */
  next(test: (event: StreamEvent) => boolean): Promise<StreamEvent> {
    const found = this.events.find(test);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ test, resolve, from: this.events.length }));
  }

  /** The first `request` row whose data matches. */
  async row(test: (row: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    const event = await this.next((e) => e.event === 'request' && test(JSON.parse(e.data) as Record<string, unknown>));
    return JSON.parse(event.data) as Record<string, unknown>;
  }

  /** Resolves on the next heartbeat comment. */
  heartbeat(): Promise<void> {
    return new Promise((resolve) => this.commentWaiters.push(resolve));
  }

  /** The last event id received (what a browser sends back as Last-Event-ID). */
  get lastId(): string | undefined {
    return [...this.events].reverse().find((e) => e.id !== undefined)?.id;
  }

  close(): void {
    this.response?.destroy();
  }
}
