import { describe, expect, test } from '@jest/globals';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import request from 'supertest';
import { createLogger, requestLog } from '../../src/core/logging.js';
import { resolveRequest } from '../../src/core/pipeline/resolve-request.js';
import { item, PATH, SANDBOX_AUTH } from '../norcap/helpers.js';
import { testSandbox } from '../support/harness.js';

/** A logger whose lines land in an array, and a way to wait for the n-th one. */
function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const waiting: { count: number; resolve: () => void }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      for (const w of waiting.filter((w) => lines.length >= w.count)) w.resolve();
      done();
    },
  });
  const lineCount = (count: number) => new Promise<void>((resolve) => (lines.length >= count ? resolve() : waiting.push({ count, resolve })));
  return { logger: createLogger(stream), lines, lineCount };
}

describe('request logging', () => {
  test('one JSON line per request: method, path, status, duration, api, operation', async () => {
    const { logger, lines, lineCount } = capturedLogger();
    const sb = await testSandbox({ logger });

    await request(sb.app).post(PATH).set('Authorization', SANDBOX_AUTH).send(item());
    await request(sb.app).get(`${PATH}?limit=5`).set('Authorization', 'Bearer nobody:nothing');
    await request(sb.app).get('/healthz');
    await lineCount(3);

    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ level: 'info', method: 'POST', path: PATH, status: 200, api: 'norcap', operation: 'createDistributions', msg: 'request' });
    expect(lines[1]).toMatchObject({ method: 'GET', path: PATH, status: 401, api: 'norcap', operation: 'listDistributions' });
    expect(lines[2]).toMatchObject({ method: 'GET', path: '/healthz', status: 200, api: null, operation: null });
    for (const line of lines) {
      expect(typeof line.duration_ms).toBe('number');
      expect(typeof line.time).toBe('string');
    }
  });

  test('quiet wins over a logger', async () => {
    const { logger, lines, lineCount } = capturedLogger();
    const quiet = await testSandbox({ logger, quiet: true });
    const loud = await testSandbox({ logger });

    await request(quiet.app).get('/healthz?quiet');
    await request(loud.app).get(PATH); // a line that must arrive, after any the quiet one would have written
    await lineCount(1);

    expect(lines.map((line) => line.path)).toEqual([PATH]);
  });

  test('a server error logs at error; what was thrown comes with its stack, the client never sees it', async () => {
    const { logger, lines, lineCount } = capturedLogger();
    const app = express();
    app.use(resolveRequest([requestLog(logger)]));
    app.get('/thrown', function answerInternalError(_req, res) {
      res.locals.request.internalError = new Error('disk full');
      res.status(500).json({ statusCode: '1500', statusDesc: 'Internal server error' });
    });
    app.get('/unavailable', function answerUnavailable(_req, res) {
      res.status(503).json({ statusCode: '1503', statusDesc: 'Service unavailable' });
    });

    const thrown = await request(app).get('/thrown');
    await request(app).get('/unavailable');
    await lineCount(2);

    expect(JSON.stringify(thrown.body)).not.toContain('disk full');
    expect(lines[0]).toMatchObject({ level: 'error', msg: 'request failed', path: '/thrown', status: 500, err: { type: 'Error', message: 'disk full' } });
    expect((lines[0]?.err as { stack: string }).stack).toMatch(/^Error: disk full\n\s+at /);
    expect(lines[1]).toMatchObject({ level: 'error', msg: 'request', path: '/unavailable', status: 503 });
    expect(lines[1]).not.toHaveProperty('err');
  });

  test('--quiet (requestLines: false): no line per request, but a server error is still logged with its stack', async () => {
    const { logger, lines, lineCount } = capturedLogger();
    const app = express();
    app.use(resolveRequest([requestLog(logger, { requestLines: false })]));
    app.get('/fine', function answerOk(_req, res) {
      res.status(200).json({ ok: true });
    });
    app.get('/thrown', function answerInternalError(_req, res) {
      res.locals.request.internalError = new Error('disk full');
      res.status(500).json({ statusCode: '1500', statusDesc: 'Internal server error' });
    });

    expect((await request(app).get('/fine')).status).toBe(200);
    expect((await request(app).get('/thrown')).status).toBe(500);
    await lineCount(1);

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'error', msg: 'request failed', path: '/thrown', status: 500, err: { message: 'disk full' } });
  });

  test('a client that goes away before the answer still gets its line, marked aborted, once', async () => {
    const { logger, lines, lineCount } = capturedLogger();
    let arrived!: () => void;
    const handlerReached = new Promise<void>((resolve) => (arrived = resolve));
    const app = express();
    app.use(resolveRequest([requestLog(logger)]));
    app.get('/slow', function neverAnswerUntilClosed(req, res) {
      arrived();
      req.once('close', () => res.end()); // too late: the socket is gone
    });
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const client = httpRequest({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, path: '/slow?x=1' });
      client.on('error', () => undefined); // the abort below
      client.end();
      await handlerReached;
      client.destroy();
      await lineCount(1);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'info', method: 'GET', path: '/slow', aborted: true });
  });
});
