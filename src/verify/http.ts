import type { HttpAnswer, HttpRequest } from './types.js';

export type Sleep = (ms: number) => Promise<void>;

export interface TransportOptions {
  fetch?: typeof fetch;
  sleep?: Sleep;
  now?: () => number;
  /** At most this many requests a second to this side. */
  requestsPerSecond?: number;
  /** How many times a 429 or 503 with `Retry-After` is retried (default 3). */
  retries?: number;
}

/** Why a side could not be reached at all (connection refused, DNS…): the run exits 2. */
export class UnreachableError extends Error {}

/**
 * One side's HTTP: base URL, a request rate and `Retry-After` honoured (429/503 are waited out
 * and retried), headers lower-cased and JSON parsed.
 */
export class Transport {
  readonly sent: { method: string; url: string }[] = [];
  private last = Number.NEGATIVE_INFINITY;
  private readonly fetchFn: typeof fetch;
  private readonly sleep: Sleep;
  private readonly now: () => number;

  constructor(
    readonly baseUrl: string,
    private readonly options: TransportOptions = {},
  ) {
    this.fetchFn = options.fetch ?? fetch;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
  }

  url(request: Pick<HttpRequest, 'path' | 'query'>): string {
    const url = new URL(request.path, this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`);
    if (!/^https?:/.test(request.path)) url.pathname = `${new URL(this.baseUrl).pathname.replace(/\/$/, '')}${request.path}`;
    for (const [name, value] of request.query ?? []) url.searchParams.append(name, value);
    return url.toString();
  }

  async send(request: HttpRequest, headers: Record<string, string>): Promise<HttpAnswer> {
    const url = this.url(request);
    const all: Record<string, string> = { accept: 'application/json', ...request.headers, ...headers };
    let body: string | undefined;
    if (request.json !== undefined) {
      all['content-type'] = 'application/json';
      body = JSON.stringify(request.json);
    } else if (request.form) {
      all['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(request.form).toString();
    }
    for (let attempt = 0; ; attempt++) {
      await this.pace();
      this.sent.push({ method: request.method, url });
      let response: Response;
      try {
        response = await this.fetchFn(url, { method: request.method, headers: all, body, redirect: 'manual' });
      } catch (error) {
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        throw new UnreachableError(`${new URL(url).origin} cannot be reached: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
      }
      const answer = await readAnswer(response);
      const retryAfter = Number(answer.headers['retry-after']);
      if ((answer.status === 429 || answer.status === 503) && Number.isFinite(retryAfter) && answer.headers['retry-after'] !== undefined && attempt < (this.options.retries ?? 3)) {
        await this.sleep(Math.max(0, retryAfter) * 1000);
        continue;
      }
      return answer;
    }
  }

  private async pace(): Promise<void> {
    const rate = this.options.requestsPerSecond;
    if (!rate) return;
    const gap = 1000 / rate;
    const wait = this.last + gap - this.now();
    if (wait > 0) await this.sleep(wait);
    this.last = Math.max(this.now(), this.last + gap);
  }
}

async function readAnswer(response: Response): Promise<HttpAnswer> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name.toLowerCase()] = value));
  const mediaType = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const text = await response.text();
  let body: unknown;
  if (/^application\/(.+\+)?json$/.test(mediaType) && text !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  return { status: response.status, headers, mediaType, text, body };
}
