import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createSandbox, type Sandbox } from '../../src/sandbox.js';
import { Authenticator } from '../../src/verify/auth.js';
import { Transport } from '../../src/verify/http.js';
import { Redactor } from '../../src/verify/redact.js';
import { verify } from '../../src/verify/runner.js';

describe('verify authentication', () => {
  let target: Sandbox;
  let url: string;
  beforeAll(async () => {
    target = await createSandbox({ seed: 8, frozenAt: new Date('2024-04-20T12:00:00Z') });
    url = await target.start(0);
  });
  afterAll(() => target.stop());

  test.each(['basic', 'form'] as const)('Nova: a token by client credentials (%s), fetched again when a request is answered 401', async (method) => {
    const transport = new Transport(url);
    const redactor = new Redactor();
    const auth = new Authenticator('nova', { clientId: 'sandbox_client', secret: 'sandbox_secret', method }, transport, redactor);
    const first = await auth.send({ method: 'GET', path: '/v1/vehicles', auth: 'credentials' });
    expect(first.status).toBe(200);
    expect(auth.tokenAnswers.map((a) => a.status)).toEqual([200]);
    await target.advanceClock(3601); // the token expires on the sandbox clock
    const second = await auth.send({ method: 'GET', path: '/v1/vehicles', auth: 'credentials' });
    expect(second.status).toBe(200);
    expect(auth.tokenAnswers.map((a) => a.status)).toEqual([200, 200]);
    expect(transport.sent.map((s) => `${s.method} ${new URL(s.url).pathname}`)).toEqual(['POST /oauth/token', 'GET /v1/vehicles', 'GET /v1/vehicles', 'POST /oauth/token', 'GET /v1/vehicles']);
    const tokens = auth.tokenAnswers.map((a) => (a.body as { access_token: string }).access_token);
    expect(redactor.text(`${tokens.join(' ')} sandbox_secret`)).toBe('*** *** ***');
  });

  test('NorCap: Bearer clientId:apiKey', async () => {
    const transport = new Transport(url);
    const auth = new Authenticator('norcap', { clientId: 'sandbox', secret: 'sandbox_api_key' }, transport, new Redactor());
    expect(await auth.headers('credentials')).toEqual({ authorization: 'Bearer sandbox:sandbox_api_key' });
    expect((await auth.send({ method: 'GET', path: '/v3/custody/distributions', auth: 'credentials' })).status).toBe(200);
  });

  test("the profile's rate limit paces the target's requests", async () => {
    const slept: number[] = [];
    let t = 0; // a clock the fake sleep moves
    const report = await verify({
      api: 'norcap',
      target: url,
      only: ['listDistributions'],
      profile: { credentials: { clientId: 'sandbox', apiKey: 'sandbox_api_key' }, roles: { brokerageAccount: 'NC95156', linkedAccount: 'A1234567890', unlinkedAccount: 'A1234567891' }, rateLimit: { requestsPerSecond: 2 } },
      clock: () => t,
      sleep: async (ms) => {
        slept.push(ms);
        t += ms;
      },
    });
    expect(report.exitCode).toBe(0);
    // The first request goes at once; each later one waits its half second (2 a second).
    const sent = report.cases.flatMap((c) => c.steps.filter((s) => !s.skipped)).length + 1; // + the preflight read
    expect(sent).toBeGreaterThan(2);
    expect(slept).toEqual(Array.from({ length: sent - 1 }, () => 500));
  });

  test('--mock <url>: another server as the mock side', async () => {
    const mock = await createSandbox({ seed: 12 });
    try {
      const report = await verify({ api: 'nova', target: url, mock: await mock.start(0), allowWrites: true });
      expect(report.mock).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(report.cases.flatMap((c) => c.differences)).toEqual([]);
      expect(report.exitCode).toBe(0);
      expect(mock.journal.list().entries.length).toBeGreaterThan(0);
    } finally {
      await mock.stop();
    }
  }, 30_000);
});
