import { expect, test } from '@jest/globals';
import express, { type Response } from 'express';
import request from 'supertest';
import { captureExchanges, captureOf, MAX_CAPTURED_BODY, responseTextOf, type RawCapture } from '../../src/console/capture.js';

// The console's tap keeps what a response writes, up to MAX_CAPTURED_BODY bytes, without
// copying the usual answer (one UTF-8 string) on the request path; what it keeps must read
// back as exactly the bytes sent, cut at the bound and saying so.

/** An app whose one route answers with `answer`, and the capture the tap filed for it. */
async function captured(answer: (res: Response) => void): Promise<{ sent: Buffer; capture: RawCapture }> {
  let filed: RawCapture | undefined;
  const app = express();
  app.use((_req, res, next) => {
    res.locals.request = { api: null, operation: undefined, path: '/x' };
    next();
  });
  app.use(captureExchanges());
  app.get('/x', (_req, res) => {
    res.once('finish', () => (filed = captureOf(res.locals.request))); // after the tap's own listener
    answer(res);
  });
  const res = await request(app).get('/x').buffer(true).parse((r, done) => {
    const chunks: Buffer[] = [];
    r.on('data', (chunk: Buffer) => chunks.push(chunk));
    r.on('end', () => done(null, Buffer.concat(chunks)));
  });
  if (!filed) throw new Error('nothing was captured');
  return { sent: res.body as Buffer, capture: filed };
}

test('a JSON answer is kept whole, as sent, with its headers', async () => {
  const body = { name: 'Zoë — ünïcode ✓', n: 1 };
  const { sent, capture } = await captured((res) => res.status(201).json(body));
  expect(responseTextOf(capture)).toBe(sent.toString('utf8'));
  expect(JSON.parse(responseTextOf(capture))).toEqual(body);
  expect(capture.truncated).toBe(false);
  expect(capture.responseBytes).toBe(sent.length);
  expect(String(capture.responseHeaders['content-type'])).toMatch(/^application\/json/);
});

test('written in several chunks, strings and bytes alike, the body reads back in order', async () => {
  const { sent, capture } = await captured((res) => {
    res.type('text/plain');
    res.write('héllo ');
    res.write(Buffer.from('wörld '));
    res.end('✓');
  });
  expect(sent.toString('utf8')).toBe('héllo wörld ✓');
  expect(responseTextOf(capture)).toBe('héllo wörld ✓');
  expect(capture.responseBytes).toBe(sent.length);
});

test('a body over the bound is cut at exactly MAX_CAPTURED_BODY bytes, and says so', async () => {
  const big = 'é'.repeat(MAX_CAPTURED_BODY); // two bytes each: twice the bound
  const { sent, capture } = await captured((res) => res.type('text/plain').send(big));
  expect(sent.length).toBe(2 * MAX_CAPTURED_BODY);
  expect(capture.truncated).toBe(true);
  expect(capture.responseBytes).toBe(MAX_CAPTURED_BODY);
  expect(Buffer.from(responseTextOf(capture), 'utf8').equals(sent.subarray(0, MAX_CAPTURED_BODY))).toBe(true);
});

test('a second chunk that crosses the bound is cut; nothing after it is kept', async () => {
  const { capture } = await captured((res) => {
    res.type('text/plain');
    res.write('a'.repeat(MAX_CAPTURED_BODY - 3));
    res.write('bcdefg');
    res.end('more');
  });
  expect(capture.truncated).toBe(true);
  expect(responseTextOf(capture)).toBe(`${'a'.repeat(MAX_CAPTURED_BODY - 3)}bcd`);
});
