import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Sandbox } from '../../src/sandbox.js';
import { testSandbox } from '../support/harness.js';

/**
 * Every early refusal is early, and every refused client hears it. A body announced over the
 * limit is answered on every route (the token endpoint included, whose workspace door used to
 * read the form first) without the body being sent; a client that sends a whole oversize body
 * anyway reads its 413 (the server reads and discards the rest for a bounded time before
 * closing) instead of an EPIPE or a reset.
 */
let sb: Sandbox;
let base: string;
let dir: string;
let novaToken: string;
const FIVE_MB = 5_000_000;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'uploads-'));
  sb = await testSandbox();
  base = await sb.start(0);
  const answer = await fetch(`${base}/oauth/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&client_id=sandbox_client&client_secret=sandbox_secret' });
  novaToken = ((await answer.json()) as { access_token: string }).access_token;
});

afterAll(async () => {
  await sb.stop();
  await rm(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  body: string;
  headers: IncomingMessage['headers'];
}

/** Sends the headers announcing `length` bytes and 1 KB of body, then waits for the answer: it must come without the rest. */
function announce(path: string, headers: Record<string, string>, length: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { method: 'POST', headers: { ...headers, 'Content-Length': String(length) } });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
      });
    });
    req.on('error', reject);
    req.write(Buffer.alloc(1024, 0x61)); // 1 KB of the announced body, never the rest
  });
}

/** Sends the whole oversize body, as a careless client would, and reads the answer. */
function upload(path: string, headers: Record<string, string>, body: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { method: 'POST', headers: { ...headers, 'Content-Length': String(body.length) } });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject); // EPIPE / ECONNRESET: the failure this test is about
    req.end(body);
  });
}

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
const JSON_TYPE = { 'Content-Type': 'application/json' };

describe('a body announced over the limit is answered at once, without being sent', () => {
  test.each([
    ['the token endpoint, client id in the form (the workspace door)', '/oauth/token', FORM, 413, 'invalid_request'],
    ['the token endpoint, HTTP Basic', '/oauth/token', { ...FORM, Authorization: `Basic ${Buffer.from('sandbox_client:sandbox_secret').toString('base64')}` }, 413, 'invalid_request'],
    ['Nova /v1/contacts', '/v1/contacts', 'nova', 413, 'body_too_large'],
    ['NorCap create', '/v3/custody/distributions', { ...JSON_TYPE, Authorization: 'Bearer sandbox:sandbox_api_key' }, 400, '1400'],
    ['the controls', '/_sandbox/faults', JSON_TYPE, 413, 'problem'],
    ['the workspace controls', '/_sandbox/workspaces', JSON_TYPE, 413, 'problem'],
  ] as const)('%s', async (_name, path, headers, status, code) => {
    const sent = headers === 'nova' ? { ...JSON_TYPE, Authorization: `Bearer ${novaToken}` } : headers;
    const answer = await announce(path, sent, FIVE_MB);

    expect(answer.status).toBe(status);
    expect(answer.headers.connection).toBe('close');
    const body = JSON.parse(answer.body) as Record<string, unknown>;
    if (code === 'problem') expect(body).toMatchObject({ status: 413 });
    else if (code === '1400') expect(body).toEqual({ statusCode: '1400', statusDesc: expect.stringContaining('request body is too large') });
    else if (code === 'body_too_large') expect(body).toEqual({ error: expect.objectContaining({ code }) });
    else expect(body).toEqual({ error: code, error_description: expect.any(String) });
  });
});

describe('a client that sends its whole oversize body reads the answer (lingering close)', () => {
  const twoMb = Buffer.alloc(2 * 1024 * 1024, 0x61);

  test("200 uploads with Node's HTTP client, to the token endpoint and to /v1/contacts: every one reads its 413", async () => {
    const answers: Answer[] = [];
    for (let round = 0; round < 20; round++) {
      answers.push(
        ...(await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            i % 2 === 0 ? upload('/oauth/token', FORM, twoMb) : upload('/v1/contacts', { ...JSON_TYPE, Authorization: `Bearer ${novaToken}` }, twoMb),
          ),
        )),
      );
    }
    expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: 200 }, () => 413));
  }, 120_000);

  test('200 uploads with curl: every one reads its 413', async () => {
    const file = join(dir, 'two-mb.json');
    await writeFile(file, twoMb);
    const run = promisify(execFile);
    const curl = (path: string, auth: string[]) =>
      run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-X', 'POST', '-H', 'Content-Type: application/json', ...auth, '--data-binary', `@${file}`, `${base}${path}`]).then(
        (out) => out.stdout,
        (error: { code?: number; stdout?: string }) => `curl exit ${error.code}: ${error.stdout ?? ''}`,
      );
    const codes: string[] = [];
    for (let round = 0; round < 40; round++) {
      codes.push(...(await Promise.all(Array.from({ length: 5 }, (_, i) => (i % 2 === 0 ? curl('/v1/contacts', ['-H', `Authorization: Bearer ${novaToken}`]) : curl('/oauth/token', []))))));
    }
    expect(codes).toEqual(Array.from({ length: 200 }, () => '413'));
  }, 120_000);

  test('the lingering is bounded: a client that never stops sending is cut by the 2 s or 16 MiB bound, long before 256 MiB', async () => {
    const { hostname, port } = new URL(base);
    const chunk = Buffer.alloc(256 * 1024, 0x61);
    const outcome = await new Promise<{ answer: string; sent: number }>((resolve) => {
      const socket = connect(Number(port), hostname);
      let answer = '';
      let sent = 0;
      let open = true;
      const pump = (): void => {
        // Stops at 256 MiB whatever happens: far past the bound, so a missing bound shows.
        while (open && sent < 256 * 1024 * 1024) {
          sent += chunk.length;
          if (!socket.write(chunk)) return void socket.once('drain', pump);
        }
        if (open) socket.end();
      };
      socket.on('data', (data: Buffer) => (answer += data.toString('latin1')));
      socket.on('error', () => undefined); // the cut: EPIPE or a reset once the server destroyed the socket
      socket.on('close', () => {
        open = false;
        resolve({ answer, sent });
      });
      socket.write(`POST /v1/contacts HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${novaToken}\r\nContent-Type: application/json\r\nContent-Length: 2000000000\r\n\r\n`);
      pump();
    });
    expect(outcome.answer).toMatch(/^HTTP\/1\.1 413 /);
    // At most 16 MiB discarded (or 2 s of sending), plus what the kernel's buffers held at the cut.
    expect(outcome.sent).toBeLessThan(64 * 1024 * 1024);
  }, 60_000);
});

