import { afterEach, describe, expect, test } from '@jest/globals';
import { ResponseContract } from '../../src/core/contract/responses.js';
import { ControlAccess, isLoopbackHost } from '../../src/control-plane/admin-access.js';
import type { Sandbox } from '../../src/sandbox.js';
import { testSandbox } from '../support/harness.js';
import { control } from './helpers.js';

const started: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((sb) => sb.stop()));
});

/** fetch against a listening sandbox; the answer is checked against openapi/sandbox.yaml. */
async function fetchControl(url: string, path: string, auth?: string): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${url}${path}`, { headers: auth ? { Authorization: auth } : {} });
  const body = (await res.json()) as Record<string, unknown>;
  const contentType = res.headers.get('content-type') ?? 'application/json';
  expect(ResponseContract.for('sandbox').check('GET', path, res.status, body, contentType).problems).toEqual([]);
  return { status: res.status, body, headers: res.headers };
}

describe('who may use /_sandbox', () => {
  test.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.20', false],
    ['example.com', false],
    ['128.0.0.1', false],
  ])('%s is loopback: %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });

  test('served by other means than start(), the socket decides: closed beyond loopback without a token', () => {
    const access = new ControlAccess(undefined);
    expect(access.requiresToken('127.0.0.1')).toBe(false);
    expect(access.requiresToken('10.1.2.3')).toBe(true);
    expect(access.accepts('Bearer anything')).toBe(false); // no token configured: nothing opens it
    access.listeningOn('127.0.0.1');
    expect(access.requiresToken('10.1.2.3')).toBe(false); // start() said where it listens
  });

  test('the sandbox refuses to listen beyond loopback without an admin token', async () => {
    const sb = await testSandbox();

    await expect(sb.start(0, '0.0.0.0')).rejects.toThrow(/refusing to listen on 0\.0\.0\.0 without an admin token.*--admin-token/);
  });

  test('beyond loopback with a token, the controls answer 401 without the bearer (or with a wrong one) and 200 with it', async () => {
    const sb = await testSandbox({ adminToken: 's3cret-token' });
    const url = await sb.start(0, '0.0.0.0');
    started.push(sb);

    const none = await fetchControl(url, '/_sandbox/clock');
    const wrong = await fetchControl(url, '/_sandbox/clock', 'Bearer nope');
    const right = await fetchControl(url, '/_sandbox/clock', 'Bearer s3cret-token');

    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="sandbox"');
    expect(none.body).toEqual({ type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'the sandbox control API requires Authorization: Bearer <admin token>' });
    expect(wrong.status).toBe(401);
    expect(right.status).toBe(200);
    expect(right.body).toMatchObject({ offset_seconds: 0 });
  });

  test('a configured token is required even on loopback and in-process; the mocked APIs never need it', async () => {
    const sb = await testSandbox({ adminToken: 's3cret-token' });

    const denied = await control(sb, 'post', '/_sandbox/clock/advance', { seconds: 10 });
    const allowed = await control(sb, 'post', '/_sandbox/clock/advance', { seconds: 10 }, 'Bearer s3cret-token');

    expect(denied.status).toBe(401);
    expect(allowed.status).toBe(200);
    expect(sb.clock.offsetSeconds).toBe(10); // the denied call did not move it
    const url = await sb.start(0, '127.0.0.1');
    started.push(sb);
    expect((await fetchControl(url, '/_sandbox/clock')).status).toBe(401);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  test('on loopback without a token the controls are open', async () => {
    const sb = await testSandbox();
    const url = await sb.start(0, '127.0.0.1');
    started.push(sb);

    expect((await fetchControl(url, '/_sandbox/clock')).status).toBe(200);
  });
});
