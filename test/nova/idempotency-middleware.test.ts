import { beforeEach, describe, expect, test } from '@jest/globals';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import request from 'supertest';
import { SandboxClock } from '../../src/core/clock.js';
import { canonicalJson, requestFingerprint } from '../../src/core/idempotency/fingerprint.js';
import { EmbeddedStore } from '../../src/backends/embedded/embedded-store.js';
import type { KeyRecord } from '../../src/core/store/record-store.js';
import { idempotency, KEY_OWNER } from '../../src/core/idempotency/middleware.js';
import { T0 } from '../support/harness.js';

// The middleware is shared (any API can opt in): here it runs alone on a bare express app, so
// that statuses Nova never answers on its own (408, 429, 503, a thrown 418) can be produced.

type Data = { keys: Record<string, KeyRecord> };

let store: EmbeddedStore<Data>;
let clock: SandboxClock;
let app: Express;
let runs: number;

beforeEach(async () => {
  store = await EmbeddedStore.open<Data>({ fixtures: () => ({ keys: {} }), schemas: { keys: { owner: () => KEY_OWNER } } });
  clock = new SandboxClock({ frozenAt: T0 });
  runs = 0;
  app = express();
  app.use(function door(req, res, next) {
    res.locals.request = { api: null, operation: undefined, path: req.path };
    next();
  } satisfies RequestHandler);
  app.use(express.json());
  app.use(idempotency({ store, clock, collection: 'keys', scope: (req) => req.get('X-Caller') ?? 'anyone', maxRecords: 3, retentionSeconds: 600 }));
  app.post('/answer/:status', function answer(req, res) {
    runs++;
    res.status(Number(req.params.status)).type('text/plain').send(`run ${runs}`);
  });
  app.post('/throw', function throwTeapot() {
    runs++;
    throw Object.assign(new Error(`teapot ${runs}`), { status: 418 });
  });
  app.get('/answer/:status', function read(_req, res) {
    runs++;
    res.status(200).json({ runs });
  });
  app.use(function finalErrors(error, _req, res, _next) {
    res.status((error as { status: number }).status).json({ failed: (error as Error).message });
  } satisfies ErrorRequestHandler);
});

function post(path: string, key: string, caller = 'anyone', body: object = { a: 1 }): request.Test {
  return request(app).post(path).set('Idempotency-Key', key).set('X-Caller', caller).send(body);
}

describe('idempotency middleware', () => {
  test('stores any answer and replays it byte for byte, with its content type', async () => {
    const first = await post('/answer/201', 'k');
    const again = await post('/answer/201', 'k');

    expect([first.status, first.text, first.headers['content-type']]).toEqual([201, 'run 1', 'text/plain; charset=utf-8']);
    expect([again.status, again.text, again.headers['content-type'], again.headers['idempotent-replayed']]).toEqual([201, 'run 1', 'text/plain; charset=utf-8', 'true']);
    expect(runs).toBe(1);
  });

  test('captures an error rendered by the final error handler, and a 4xx of the handler', async () => {
    const thrown = await post('/throw', 'boom');
    const thrownAgain = await post('/throw', 'boom');
    const refused = await post('/answer/422', 'refused');
    const refusedAgain = await post('/answer/422', 'refused');

    expect([thrown.status, thrown.body]).toEqual([418, { failed: 'teapot 1' }]);
    expect(thrownAgain.text).toBe(thrown.text);
    expect(thrownAgain.headers['idempotent-replayed']).toBe('true');
    expect([refused.status, refusedAgain.status, refusedAgain.text]).toEqual([422, 422, 'run 2']);
    expect(runs).toBe(2);
  });

  test.each([500, 502, 503, 408, 429])('a %i answer is not stored: the retry runs again', async (status) => {
    const first = await post(`/answer/${status}`, 'transient');
    const retry = await post(`/answer/${status}`, 'transient');

    expect([first.status, first.text, retry.text]).toEqual([status, 'run 1', 'run 2']);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(await store.count('keys')).toBe(0);
  });

  test('keys of different scopes never meet', async () => {
    await post('/answer/201', 'same', 'alice');
    const bob = await post('/answer/201', 'same', 'bob');

    expect(bob.text).toBe('run 2');
    expect(await store.count('keys')).toBe(2);
  });

  test('ignores the key on reads and when there is none', async () => {
    await request(app).get('/answer/200').set('Idempotency-Key', 'r');
    await request(app).post('/answer/201').send({});
    await request(app).post('/answer/201').send({});

    expect(runs).toBe(3);
    expect(await store.count('keys')).toBe(0);
  });

  test('keeps at most maxRecords: storing one more drops the oldest', async () => {
    for (const key of ['k1', 'k2', 'k3', 'k4']) await post('/answer/201', key);

    expect(Object.keys(store.data.keys)).toEqual(['k2', 'k3', 'k4'].map((k) => JSON.stringify(['anyone', k])));
    const k1 = await post('/answer/201', 'k1');
    expect(k1.text).toBe('run 5'); // forgotten, so performed again
    expect(await store.count('keys')).toBe(3);
  });

  test('a re-stored key moves to the newest end, so eviction stays oldest first', async () => {
    await post('/answer/201', 'a');
    clock.advance(600); // 'a' expires
    await post('/answer/201', 'b');
    await post('/answer/201', 'a'); // stored afresh, after 'b'

    expect(Object.keys(store.data.keys)).toEqual([JSON.stringify(['anyone', 'b']), JSON.stringify(['anyone', 'a'])]);
  });

  test('retention is measured on the sandbox clock', async () => {
    await post('/answer/201', 'k');
    clock.advance(599);
    expect((await post('/answer/201', 'k')).headers['idempotent-replayed']).toBe('true');
    clock.advance(1);
    expect((await post('/answer/201', 'k')).text).toBe('run 2');
  });
});

describe('request fingerprints', () => {
  test('canonical JSON sorts keys at every level and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: undefined, e: null }] })).toBe('{"a":[{"d":2,"e":null}],"b":1}');
    expect(canonicalJson(undefined)).toBe('');
    expect(canonicalJson([1, 'a', true, null, [], {}, [undefined]])).toBe('[1,"a",true,null,[],{},[null]]');
  });

  test('canonical JSON copes with nesting deeper than the call stack', () => {
    const depth = 200_000;
    const deep = JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown;

    expect(canonicalJson(deep)).toHaveLength(2 * depth);
  });

  test('method, path and body all count', () => {
    const base = requestFingerprint('POST', '/v1/x', { a: 1, b: 2 });

    expect(requestFingerprint('post', '/v1/x', { b: 2, a: 1 })).toBe(base);
    expect(requestFingerprint('PUT', '/v1/x', { a: 1, b: 2 })).not.toBe(base);
    expect(requestFingerprint('POST', '/v1/y', { a: 1, b: 2 })).not.toBe(base);
    expect(requestFingerprint('POST', '/v1/x', { a: 1, b: 3 })).not.toBe(base);
  });
});
