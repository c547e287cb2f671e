import { beforeEach, describe, expect, test } from '@jest/globals';
import request from 'supertest';
import { parseCli } from '../../src/cli-options.js';
import { isLoopbackHost } from '../../src/control-plane/admin-access.js';
import { AllowedHosts, hostName } from '../../src/control-plane/host-origin-guard.js';
import type { Sandbox } from '../../src/sandbox.js';
import { expectContract, testSandbox } from '../support/harness.js';
import { rawRequest } from '../reliability/raw-http.js';
import { expectProblem } from './helpers.js';

// The controls can reset and fault the sandbox: no other web page may drive them. A `Host` the
// server is not known by is refused (DNS rebinding), and so is a state-changing call a page on
// another origin could send; curl and test clients (no Origin, no Sec-Fetch-Site) are not
// cross-site.

let sb: Sandbox;
beforeEach(async () => {
  sb = await testSandbox({ allowedHosts: ['sandbox.internal'] });
});

const FAULT = { method: 'POST', path: '/v3/custody/distributions', status: 503 };

/** Arms one fault, so a reset that ran is visible (it clears them). */
async function armed(): Promise<number> {
  return (await sb.faults.list()).length;
}

describe('Host', () => {
  test.each(['evil.example', 'evil.example:4010', '127.0.0.1.nip.io', 'localhost.evil.example', '0.0.0.0:4010', ''])('Host %j: 403 problem, the reset does not run', async (host) => {
    await sb.faults.add(FAULT);
    const res = await request(sb.app).post('/_sandbox/reset').set('Host', host);

    expectContract('sandbox', res);
    expectProblem(res, 403, 'the sandbox control API does not answer to Host');
    expect(await armed()).toBe(1);
  });

  test.each(['127.0.0.1:4010', '127.9.9.9', 'localhost:4010', 'LOCALHOST', '[::1]:4010', 'sandbox.internal', 'Sandbox.Internal:8080'])('Host %j is one of its names: 200', async (host) => {
    await sb.faults.add(FAULT);
    const res = await request(sb.app).post('/_sandbox/reset').set('Host', host);

    expectContract('sandbox', res);
    expect(res.status).toBe(200);
    expect(await armed()).toBe(0);
  });

  test('reads are guarded too (a rebinding page could read the journal)', async () => {
    const res = await request(sb.app).get('/_sandbox/requests').set('Host', 'evil.example');

    expectProblem(res, 403, 'evil.example');
  });

  test('the mocked APIs answer whatever the Host', async () => {
    const res = await request(sb.app).get('/healthz').set('Host', 'evil.example');
    expect(res.status).toBe(200);
  });

  test('names parse as a URL host would: port, brackets and case dropped, junk refused', () => {
    expect(hostName('[::1]:4010')).toBe('::1');
    expect(hostName('Sandbox.Example:80')).toBe('sandbox.example');
    expect(hostName('a b')).toBeUndefined();
    expect(hostName('evil.example/@127.0.0.1')).toBeUndefined();
    expect(hostName(undefined)).toBeUndefined();
    const hosts = new AllowedHosts();
    hosts.listeningOn('10.0.0.5');
    expect([hosts.allows('10.0.0.5:4010'), hosts.allows('10.0.0.6:4010')]).toEqual([true, false]);
    hosts.listeningOn('fd00::5');
    expect(hosts.allows('[fd00::5]:4010')).toBe(true);
  });

  test('loopback is what net.BlockList says: every spelling of 127.0.0.0/8 and ::1', () => {
    expect(['127.0.0.1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', '[::1]', 'localhost.'].map(isLoopbackHost)).toEqual([true, true, true, true, true]);
    expect(['::ffff:128.0.0.1', '0.0.0.0', '::', 'localhost.evil.example', '127.0.0.1.nip.io'].map(isLoopbackHost)).toEqual([false, false, false, false, false]);
  });
});

describe('cross-site state-changing calls', () => {
  const OWN = 'http://127.0.0.1:4010';

  test.each([
    ['an Origin of another site', { Origin: 'http://evil.example' }, 'Origin http://evil.example is not'],
    ['an Origin of another port on loopback', { Origin: 'http://127.0.0.1:9999' }, 'Origin http://127.0.0.1:9999 is not'],
    ['Origin null (a sandboxed iframe, a file: page)', { Origin: 'null' }, 'Origin null is not'],
    ['Sec-Fetch-Site: cross-site', { 'Sec-Fetch-Site': 'cross-site' }, 'Sec-Fetch-Site is cross-site'],
    ['Sec-Fetch-Site: same-site (another port)', { 'Sec-Fetch-Site': 'same-site' }, 'Sec-Fetch-Site is same-site'],
  ])('POST /_sandbox/reset with %s: 403, nothing reset', async (_case, headers, detail) => {
    await sb.faults.add(FAULT);
    const res = await request(sb.app).post('/_sandbox/reset').set('Host', '127.0.0.1:4010').set(headers);

    expectContract('sandbox', res);
    expectProblem(res, 403, `cross-site request refused: ${detail}`);
    expect(await armed()).toBe(1);
  });

  test.each([
    ['text/plain', 'text/plain'],
    ['a form', 'application/x-www-form-urlencoded'],
    ['multipart', 'multipart/form-data; boundary=x'],
  ])('a body sent as %s (what an HTML form can send, no preflight): 403, no fault armed', async (_case, type) => {
    const res = await request(sb.app).post('/_sandbox/faults').set('Content-Type', type).send(JSON.stringify(FAULT));

    expectContract('sandbox', res);
    expectProblem(res, 403, 'is one an HTML form can send');
    expect(await armed()).toBe(0);
  });

  test('a reset with a body and no Content-Type: 403', async () => {
    await sb.faults.add(FAULT);
    const url = await sb.start(0);
    try {
      const res = await rawRequest(url, 'POST /_sandbox/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx');

      expect(res.status).toBe(403);
      expect(JSON.parse(res.body).detail).toMatch(/^cross-site request refused: the body has no Content-Type/);
      expect(await armed()).toBe(1);
    } finally {
      await sb.stop();
    }
  });

  test.each([
    ['curl: no Origin, no body', {}],
    ['its own page: same Origin and Sec-Fetch-Site', { Origin: OWN, 'Sec-Fetch-Site': 'same-origin' }],
    ['typed in the address bar: Sec-Fetch-Site none', { 'Sec-Fetch-Site': 'none' }],
  ])('POST /_sandbox/reset from %s: 200', async (_case, headers) => {
    await sb.faults.add(FAULT);
    const res = await request(sb.app).post('/_sandbox/reset').set('Host', '127.0.0.1:4010').set(headers);

    expectContract('sandbox', res);
    expect(res.status).toBe(200);
    expect(await armed()).toBe(0);
  });

  test('its own page arms a fault with application/json: 201', async () => {
    const res = await request(sb.app).post('/_sandbox/faults').set('Host', '127.0.0.1:4010').set('Origin', OWN).set('Sec-Fetch-Site', 'same-origin').send(FAULT);

    expectContract('sandbox', res);
    expect(res.status).toBe(201);
    expect(await armed()).toBe(1);
  });

  test('a cross-site read is not refused here (the browser keeps its answer from the page)', async () => {
    const res = await request(sb.app).get('/_sandbox/clock').set('Origin', 'http://evil.example').set('Sec-Fetch-Site', 'cross-site');
    expect(res.status).toBe(200);
  });
});

describe('X-Content-Type-Options: nosniff', () => {
  test.each([
    ['get', '/healthz'],
    ['get', '/'],
    ['get', '/_sandbox/clock'],
    ['post', '/_sandbox/reset'],
    ['get', '/v3/custody/distributions'],
    ['get', '/v1/vehicles'],
    ['post', '/oauth/token'],
    ['get', '/no/such/path'],
  ] as const)('%s %s', async (method, path) => {
    const res = await request(sb.app)[method](path);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('--allowed-host', () => {
  const parse = (args: string[], env: NodeJS.ProcessEnv = {}) => parseCli(['node', 'fund-sandbox', ...args], env, { writeOut: () => undefined, writeErr: () => undefined }).allowedHosts;

  test('repeatable; SANDBOX_ALLOWED_HOSTS is a comma-separated list; none by default', () => {
    expect(parse(['--allowed-host', 'a.example', '--allowed-host', 'b.example'])).toEqual(['a.example', 'b.example']);
    expect(parse([], { SANDBOX_ALLOWED_HOSTS: 'a.example, b.example,' })).toEqual(['a.example', 'b.example']);
    expect(parse([])).toEqual([]);
  });
});
