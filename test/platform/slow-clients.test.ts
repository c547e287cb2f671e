import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { connect, type Socket } from 'node:net';
import { createSandbox, type Sandbox } from '../../src/sandbox.js';
import { startChild, type ChildServer } from './child-server.js';

// A hosted sandbox must not let a slow-header client (slowloris) hold a socket for Node's
// default 60 s. These tests wait on the socket's own close event, and measure how long it took
// only to prove it was the short, configured timeout that cut it.
jest.setTimeout(20_000);

interface Cut {
  /** Everything the server sent before it closed the connection. */
  received: string;
  /** Real milliseconds from the first byte sent to the close. */
  afterMs: number;
}

/** Connects, sends `text` and nothing more, and resolves once the server closes the socket. */
function stallAfter(url: string, text: string): Promise<Cut> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let started = 0;
    const socket: Socket = connect(Number(port), hostname, () => {
      started = performance.now();
      socket.write(text);
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve({ received: Buffer.concat(chunks).toString('utf8'), afterMs: performance.now() - started }));
  });
}

describe('the built CLI with --headers-timeout', () => {
  let child: ChildServer;
  beforeAll(async () => {
    child = await startChild(['--quiet', '--headers-timeout', '400ms', '--request-timeout', '2s']);
  });
  afterAll(async () => {
    child.child.kill('SIGTERM');
    await child.exited;
  });

  test('a client that never finishes its request head hears 408 and is disconnected within the timeout', async () => {
    const cut = await stallAfter(child.url, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    expect(cut.received).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(cut.afterMs).toBeGreaterThanOrEqual(390);
    expect(cut.afterMs).toBeLessThan(1500); // 400 ms, checked every 100 ms; Node's default would be 60 s
  });

  test('a request that is quick to arrive is not affected', async () => {
    const res = await fetch(`${child.url}/healthz`);
    expect([res.status, await res.json()]).toEqual([200, { status: 'ok' }]);
  });
});

describe('createSandbox({ timeouts })', () => {
  let sb: Sandbox;
  let url: string;
  beforeAll(async () => {
    sb = await createSandbox({ timeouts: { headersMs: 300, requestMs: 600, keepAliveMs: 1000 } });
    url = await sb.start(0);
  });
  afterAll(() => sb.stop());

  test('a body that trickles past the request timeout is cut with 408', async () => {
    const head = 'POST /v3/custody/distributions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer sandbox:sandbox_api_key\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":';
    const cut = await stallAfter(url, head);
    expect(cut.received).toMatch(/^HTTP\/1\.1 408 /);
    expect(cut.afterMs).toBeGreaterThanOrEqual(590);
    expect(cut.afterMs).toBeLessThan(2500);
  });

  test('an idle keep-alive connection is closed after the keep-alive timeout', async () => {
    const cut = await stallAfter(url, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    expect(cut.received).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*Keep-Alive: timeout=1\r\n[\s\S]*\{"status":"ok"\}$/);
    expect(cut.afterMs).toBeLessThan(2500);
  });

  test('a request timeout shorter than the headers timeout is refused at creation', async () => {
    await expect(createSandbox({ timeouts: { headersMs: 5000, requestMs: 1000 } })).rejects.toThrow('the request timeout (1000 ms) must be at least the headers timeout (5000 ms), or 0');
  });
});
