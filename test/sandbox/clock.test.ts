import { beforeEach, describe, expect, test } from '@jest/globals';
import request from 'supertest';
import type { Sandbox } from '../../src/sandbox.js';
import { expectContract, T0, testSandbox } from '../support/harness.js';
import { create, item } from '../norcap/helpers.js';
import { control } from './helpers.js';

let sb: Sandbox;
beforeEach(async () => {
  sb = await testSandbox();
});

describe('GET /_sandbox/clock and POST /_sandbox/clock/advance', () => {
  test('the clock starts at its base with no offset', async () => {
    const res = await control(sb, 'get', '/_sandbox/clock');

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ now: T0.toISOString(), offset_seconds: 0, frozen: true });
  });

  test('advancing moves sandbox time for everything time-based', async () => {
    const first = await control(sb, 'post', '/_sandbox/clock/advance', { seconds: 90 });
    const second = await control(sb, 'post', '/_sandbox/clock/advance', { seconds: 0.5 });

    expect(first.status).toBe(200);
    expect(first.body).toEqual({ now: '2024-04-20T12:01:30.000Z', offset_seconds: 90, frozen: true });
    expect(second.body).toEqual({ now: '2024-04-20T12:01:30.500Z', offset_seconds: 90.5, frozen: true });
    expect(sb.clock.now().toISOString()).toBe('2024-04-20T12:01:30.500Z');
    // A NorCap timestamp stamped now reads the advanced clock.
    const created = await create(sb, item());
    expect(created.body.distributions[0].createdAt).toBe('2024-04-20 12:01:30');
  });

  test.each([
    ['a negative number', { seconds: -1 }, 'seconds must be >= 0'],
    ['a string', { seconds: '10' }, 'seconds must be number'],
    ['nothing', {}, 'is required'],
    ['an unknown field', { seconds: 1, minutes: 1 }, 'is not a recognized field'],
  ])('%s is a 400 problem and the clock stays put', async (_name, body, detail) => {
    const res = await control(sb, 'post', '/_sandbox/clock/advance', body);

    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ type: 'about:blank', title: 'Bad Request', status: 400 });
    expect(res.body.detail).toContain(detail);
    expect(sb.clock.offsetSeconds).toBe(0);
  });

  test('malformed JSON is a 400 problem and a missing body a 415 problem, never an HTML page', async () => {
    const malformed = await request(sb.app).post('/_sandbox/clock/advance').set('Content-Type', 'application/json').send('{"seconds":');
    const missing = await control(sb, 'post', '/_sandbox/clock/advance');
    expectContract('sandbox', malformed);

    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual({ type: 'about:blank', title: 'Bad Request', status: 400, detail: 'request body is not valid JSON' });
    expect(missing.status).toBe(415);
    expect(missing.body).toMatchObject({ type: 'about:blank', title: 'Unsupported Media Type', status: 415 });
    expect(sb.clock.offsetSeconds).toBe(0);
  });

  test('an unknown control route is a 404 problem (not a documented operation, so checked by hand)', async () => {
    const res = await request(sb.app).get('/_sandbox/nope');

    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toEqual({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'no such route' });
  });
});
