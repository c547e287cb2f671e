import { describe, expect, test } from '@jest/globals';
import { Writable } from 'node:stream';
import request from 'supertest';
import { createLogger } from '../../src/core/logging.js';
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
});
