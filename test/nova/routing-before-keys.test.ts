import { describe, expect, test } from '@jest/globals';
import request from 'supertest';
import type { Sandbox } from '../../src/sandbox.js';
import { expectNovaError, NovaClient, freshNovaForEachTest } from './helpers.js';

let sb: Sandbox;
let client: NovaClient;
freshNovaForEachTest((s, c) => ((sb = s), (client = c)));

const keys = () => sb.store.count('novaIdempotencyKeys');
const put = (path: string, key: string) =>
  request(sb.app).put(path).set('Authorization', `Bearer ${client.token}`).set('Idempotency-Key', key).send([{ name: 'Ada', email: 'ada@example.com' }]);

describe('a request the routing refuses never reaches the Idempotency-Key store', () => {
  test('PUT /v1/contacts with a key: 405 with Allow each time, never replayed, nothing stored', async () => {
    const first = await put('/v1/contacts', 'put-1');
    const again = await put('/v1/contacts', 'put-1');

    for (const res of [first, again]) {
      expectNovaError(res, 405, 'method_not_allowed'); // the envelope as the spec's ErrorEnvelope; the route is undocumented, so no operation to check
      expect(res.body).toEqual({ error: { code: 'method_not_allowed', message: 'method not allowed' } });
      expect(res.headers.allow).toBe('GET, POST');
      expect(res.headers['idempotent-replayed']).toBeUndefined();
    }
    expect(await keys()).toBe(0);
  });

  test('the key is not spent: a POST with it afterwards creates and is not a replay', async () => {
    await put('/v1/contacts', 'put-then-post');
    const post = await client.post('/v1/contacts', [{ name: 'Ada', email: 'ada@example.com' }], { idempotencyKey: 'put-then-post' });

    expect(post.status).toBe(201);
    expect(post.headers['idempotent-replayed']).toBeUndefined();
    expect(await keys()).toBe(1);
  });

  test('a PUT with a key a POST used answers 405, not 409 idempotency_mismatch, and the POST still replays', async () => {
    const post = await client.post('/v1/contacts', [{ name: 'Ada', email: 'ada@example.com' }], { idempotencyKey: 'post-then-put' });
    const res = await put('/v1/contacts', 'post-then-put');

    expectNovaError(res, 405, 'method_not_allowed');
    expect(res.headers.allow).toBe('GET, POST');
    const retry = await client.post('/v1/contacts', [{ name: 'Ada', email: 'ada@example.com' }], { idempotencyKey: 'post-then-put' });
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.text).toBe(post.text);
    expect(await keys()).toBe(1);
  });

  test('a POST to a path Nova lacks, with a key: 404, nothing stored', async () => {
    const res = await request(sb.app).post('/v1/nowhere').set('Authorization', `Bearer ${client.token}`).set('Idempotency-Key', 'nowhere').send([]);

    expectNovaError(res, 404, 'route_not_found');
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    expect(await keys()).toBe(0);
  });
});

describe('a query parameter with an empty name', () => {
  test.each(['/v1/entities?=null', '/v1/entities?=', '/v1/vehicles?limit=1&=x'])('%s: 400 like any unknown parameter, naming what it is', async (path) => {
    const res = await client.get(path);

    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'invalid_request', message: 'query parameter with an empty name is not a recognized parameter' } });
  });
});
