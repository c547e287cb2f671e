import { beforeEach, describe, expect, test } from '@jest/globals';
import request from 'supertest';
import type { Sandbox } from '../../src/sandbox.js';
import { expectContract, T0, testSandbox } from '../support/harness.js';
import { create, item } from '../norcap/helpers.js';
import { control, expectProblem } from './helpers.js';

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

    expectProblem(res, 400, detail);
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

  test('a body over 100 kB is a 413 problem and the clock stays put', async () => {
    const res = await control(sb, 'post', '/_sandbox/clock/advance', { seconds: 1, pad: 'x'.repeat(200_000) });

    expect(res.status).toBe(413);
    expect(res.body).toEqual({ type: 'about:blank', title: 'Payload Too Large', status: 413, detail: 'request body is too large' });
    expect(sb.clock.offsetSeconds).toBe(0);
  });

  test('sandbox time stops at the end of year 9999: an advance beyond is a 400 problem', async () => {
    sb.clock.advance((Date.parse('9999-12-31T23:00:00Z') - T0.getTime()) / 1000);

    const beyond = await control(sb, 'post', '/_sandbox/clock/advance', { seconds: 3600 });
    const last = await control(sb, 'post', '/_sandbox/clock/advance', { seconds: 3599 });

    expect(beyond.status).toBe(400);
    expect(beyond.body).toEqual({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'the sandbox clock cannot go past 9999-12-31T23:59:59.000Z (it reads 9999-12-31T23:00:00.000Z); POST /_sandbox/reset to start over',
    });
    expect(last.status).toBe(200);
    expect(last.body.now).toBe('9999-12-31T23:59:59.000Z');
    // Everything time-based still works at the far end.
    const created = await create(sb, item());
    expect(created.status).toBe(200);
    expect(created.body.distributions[0].createdAt).toBe('9999-12-31 23:59:59');
  });

  test('an unknown control route is a 404 problem (not a documented operation, so checked by hand)', async () => {
    const res = await request(sb.app).get('/_sandbox/nope');

    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toEqual({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'no such route' });
  });
});
