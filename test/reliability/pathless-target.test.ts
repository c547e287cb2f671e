import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Sandbox } from '../../src/sandbox.js';
import { testSandbox } from '../support/harness.js';
import { rawRequest } from './raw-http.js';

// Found by the fuzzer (`PUT //?qu#>=LOLl%40&…`, shrunk to `//#@0`): url.parse reads what follows
// `//` as a host, the target has no path, and express's router skipped every layer, so
// finalhandler answered `<pre>Cannot PUT null</pre>`. Every target gets a JSON answer.

let sb: Sandbox;
let baseUrl: string;
beforeAll(async () => {
  sb = await testSandbox();
  baseUrl = await sb.start(0);
});
afterAll(() => sb.stop());

describe('a request-target without a path answers a problem, never express’s HTML page', () => {
  test.each(['//#@0', '//@x', '//a@b#', '//?x#@0'])('PUT %s', async (target) => {
    const res = await rawRequest(baseUrl, `PUT ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = JSON.parse(res.body) as Record<string, unknown>;
    expect(body).toEqual({ type: 'about:blank', title: res.status === 400 ? 'Bad Request' : 'Not Found', status: res.status, detail: expect.any(String) });
    expect([400, 404]).toContain(res.status);
  });

  test('the exact target is named in the detail', async () => {
    const res = await rawRequest(baseUrl, `GET //#@0 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ type: 'about:blank', title: 'Bad Request', status: 400, detail: 'the request-target "//#@0" has no path' });
    // and the server is still answering
    expect((await fetch(baseUrl + '/healthz')).status).toBe(200);
  });
});
