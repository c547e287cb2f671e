import { describe, expect, jest, test } from '@jest/globals';
import { once } from 'node:events';
import { Agent, request, type IncomingMessage } from 'node:http';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/core/logging.js';
import { PATH, SANDBOX_AUTH } from '../norcap/helpers.js';
import { testSandbox } from '../support/harness.js';

// A real server on port 0 on a shared 2-core machine: a guard against a hang, not a wait.
jest.setTimeout(30_000);

/** Log lines captured in memory, in the order they were written. */
function captureLog() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger(stream) };
}

describe('stop(): in-flight responses first, keep-alive sockets closed', () => {
  test('a request still running when stop() is called is answered (Connection: close) and logged before stop() resolves', async () => {
    // The request waits inside a fault's latency until the test lets it go: in flight, for sure.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered: () => void = () => undefined;
    const waiting = new Promise<void>((resolve) => (entered = resolve));
    const { lines, logger } = captureLog();
    const sb = await testSandbox({ logger, sleep: () => (entered(), held) });
    const url = await sb.start(0);
    await sb.faults.add({ method: 'GET', path: PATH, latency_ms: 10 });

    const agent = new Agent({ keepAlive: true }); // never destroyed before stop(): the server must close the socket itself
    const req = request(`${url}${PATH}`, { agent, headers: { Authorization: SANDBOX_AUTH } }).end();
    const responded = once(req, 'response') as Promise<[IncomingMessage]>;
    await waiting;

    let stopped = false;
    const stopping = sb.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false); // waits for the request
    release();

    const [res] = await responded;
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    await stopping;
    expect(res.statusCode).toBe(200);
    expect(res.headers.connection).toBe('close'); // its keep-alive socket ends with it
    expect(JSON.parse(Buffer.concat(chunks).toString('utf8'))).toMatchObject({ statusCode: '101', custody_distributions: [] });
    expect(lines.map((line) => [line.msg, line.method, line.status])).toEqual([['request', 'GET', 200]]); // logged before stop() resolved
    agent.destroy();
  });

  test('an idle keep-alive connection does not hold stop() up', async () => {
    const sb = await testSandbox();
    const url = await sb.start(0);
    const agent = new Agent({ keepAlive: true });
    const req = request(`${url}/healthz`, { agent }).end();
    const [res] = (await once(req, 'response')) as [IncomingMessage];
    res.resume();
    await once(res, 'end');
    expect(res.statusCode).toBe(200);
    expect(Object.values(agent.freeSockets).flat()).toHaveLength(1); // kept alive, idle
    const socketClosed = once(Object.values(agent.freeSockets).flat()[0] as NodeJS.EventEmitter, 'close');
    await sb.stop();
    await socketClosed; // the server closed it
    agent.destroy();
  });
});
