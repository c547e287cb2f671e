import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  text: string;
}

/** Changes an answer (or returns undefined to pass it through). */
export type Drift = (request: { method: string; path: string }, answer: Answer) => Answer | undefined;

/**
 * A test provider: an HTTP proxy in front of a sandbox that plants a known drift in the
 * answers it passes on. Listens on an ephemeral port.
 */
export async function driftProxy(upstream: string, drift: Drift): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.use(express.raw({ type: () => true, limit: '2mb' }));
  app.use(async (req, res) => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string' && !['host', 'content-length', 'connection'].includes(name)) headers[name] = value;
    const body = Buffer.isBuffer(req.body) && req.body.length > 0 ? req.body : undefined;
    const upstreamAnswer = await fetch(`${upstream}${req.originalUrl}`, { method: req.method, headers, body });
    const answerHeaders: Record<string, string> = {};
    upstreamAnswer.headers.forEach((value, name) => {
      if (!['content-length', 'transfer-encoding', 'connection', 'content-encoding', 'keep-alive'].includes(name)) answerHeaders[name] = value;
    });
    const text = await upstreamAnswer.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const original: Answer = { status: upstreamAnswer.status, headers: answerHeaders, body: parsed, text };
    const planted = drift({ method: req.method, path: req.path }, original) ?? original;
    res.writeHead(planted.status, planted.headers);
    res.end(planted.text);
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The answer with a new JSON body. */
export function withBody(answer: Answer, body: unknown): Answer {
  return { ...answer, body, text: JSON.stringify(body) };
}
