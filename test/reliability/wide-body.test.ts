import { beforeAll, describe, expect, test } from '@jest/globals';
import request from 'supertest';
import { canonicalJson, requestFingerprint } from '../../src/core/idempotency/fingerprint.js';
import type { Sandbox } from '../../src/sandbox.js';
import { expectContract, testSandbox } from '../support/harness.js';
import { novaCounts, tokenFor } from '../nova/helpers.js';

// A body wide rather than deep: one array or object with tens of thousands of members, well
// under the 1 MB limit. The idempotency fingerprint must hash it (it runs before validation),
// without spreading one call argument per member (a RangeError, hence a 500).

const WIDE_ARRAY = Array.from({ length: 70_000 }, () => 0); // 140 KB of JSON
const WIDE_OBJECT = Object.fromEntries(Array.from({ length: 80_000 }, (_, i) => [`k${i}`, 1]));

describe('canonicalJson on wide values', () => {
  test('an array of 70,000 members serializes as JSON.stringify does', () => {
    expect(canonicalJson(WIDE_ARRAY)).toBe(JSON.stringify(WIDE_ARRAY));
  });

  test('an object of 80,000 keys serializes with its keys sorted', () => {
    const sorted = Object.fromEntries(Object.keys(WIDE_OBJECT).sort().map((k) => [k, 1]));
    expect(canonicalJson(WIDE_OBJECT)).toBe(JSON.stringify(sorted));
    expect(requestFingerprint('POST', '/v1/entities', WIDE_OBJECT)).toMatch(/^[0-9a-f]{64}$/);
  });

  test('key order still does not matter, and nesting inside a wide array is kept', () => {
    expect(canonicalJson([{ b: 1, a: [2, { d: 3, c: 4 }] }, null])).toBe('[{"a":[2,{"c":4,"d":3}],"b":1},null]');
  });
});

describe('a Nova create with an Idempotency-Key and a wide body', () => {
  let sb: Sandbox;
  let token: string;
  beforeAll(async () => {
    sb = await testSandbox();
    token = await tokenFor(sb);
  });

  test.each([
    ['an array of 70,000 numbers', WIDE_ARRAY, 'wide-array'],
    ['an object of 80,000 keys', WIDE_OBJECT, 'wide-object'],
  ])('%s: 400 in the envelope (replayed for the key), nothing created', async (_case, body, key) => {
    const before = await novaCounts(sb);
    const send = () => request(sb.app).post('/v1/entities').set('Authorization', `Bearer ${token}`).set('Idempotency-Key', key).send(body);
    const res = await send();
    const again = await send();

    expectContract('nova', res);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toMatch(/^(invalid_request|parameter_invalid)$/);
    expect([again.status, again.headers['idempotent-replayed'], again.text]).toEqual([400, 'true', res.text]);
    expect(await novaCounts(sb)).toEqual(before);
  });
});
