import { afterAll, beforeAll, expect, test } from '@jest/globals';
import request from 'supertest';
import { createSandbox, type Sandbox } from '../../src/sandbox.js';
import { create, get, item, PATH } from '../norcap/helpers.js';
import { NovaClient, tokenRequest } from '../nova/helpers.js';
import { control } from '../control-plane/helpers.js';
import { expectContract, T0 } from '../support/harness.js';
import { databaseUrl, describePostgres, testSchema, type TestSchema } from '../support/postgres.js';
import { tcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { closedPort } from '../support/ports.js';

describePostgres('--database unreachable: 503 in each API’s envelope, at once; /healthz says so and recovers', () => {
  let schema: TestSchema;
  let proxy: TcpProxy;
  let sb: Sandbox;

  beforeAll(async () => {
    schema = testSchema();
    proxy = await tcpProxy(databaseUrl as string);
    sb = await createSandbox({ seed: 1, frozenAt: T0, database: proxy.url, databaseSchema: schema.name });
  });
  afterAll(async () => {
    await sb.stop();
    await proxy.close();
    await schema.drop();
  });

  test('while the database is away every API, the controls and /healthz answer 503 promptly; once back, all is as it was', async () => {
    const created = await create(sb, item());
    expect(created.status).toBe(200);
    const id = created.body.distributions[0].id as string;
    const nova = await NovaClient.for(sb);
    expect((await request(sb.app).get('/healthz')).body).toEqual({ status: 'ok' });

    proxy.down();
    const started = Date.now();
    const norcap = await get(sb, PATH);
    const norcapCreate = await create(sb, item());
    const novaList = await nova.get('/v1/distributions');
    const token = await tokenRequest(sb, { grant_type: 'client_credentials', client_id: 'sandbox_client', client_secret: 'sandbox_secret' });
    const clock = await control(sb, 'get', '/_sandbox/clock');
    const health = await request(sb.app).get('/healthz');
    expect(Date.now() - started).toBeLessThan(5000); // the pool's timeouts bound it: nothing hangs

    expect({ status: norcap.status, body: norcap.body, retry: norcap.headers['retry-after'] }).toEqual({ status: 503, body: { statusCode: '1503', statusDesc: 'Service unavailable' }, retry: '1' });
    expect({ status: norcapCreate.status, body: norcapCreate.body }).toEqual({ status: 503, body: { statusCode: '1503', statusDesc: 'Service unavailable' } });
    expect(novaList.status).toBe(503);
    expect(novaList.body).toEqual({ error: { code: 'service_unavailable', message: 'the sandbox state store is unavailable; retry shortly' } });
    expect({ status: token.status, body: token.body }).toEqual({
      status: 503,
      body: { error: 'temporarily_unavailable', error_description: 'the sandbox state store is unavailable; retry shortly' },
    });
    expect({ status: clock.status, body: clock.body }).toEqual({
      status: 503,
      body: { type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'the sandbox state store is unavailable; retry shortly' },
    });
    expect({ status: health.status, body: health.body }).toEqual({ status: 503, body: { status: 'unavailable' } });
    expectContract('sandbox', health); // the documented 503 of GET /healthz

    proxy.up(); // the pool reconnects by itself
    expect((await request(sb.app).get('/healthz')).body).toEqual({ status: 'ok' });
    const back = await get(sb, `${PATH}/${id}`);
    expect(back.status).toBe(200);
    expect(back.body.distribution.id).toBe(id);
    expect((await get(sb, PATH)).body.custody_distributions.map((d: { id: string }) => d.id)).toEqual([id]); // the refused create wrote nothing
    expect((await nova.get('/v1/distributions')).status).toBe(200);
  });
});

test('a --database nobody answers on: createSandbox rejects at once with the reason, nothing listens', async () => {
  const port = await closedPort();
  const started = Date.now();
  const error = await createSandbox({ database: `postgres://postgres@127.0.0.1:${port}/nowhere` }).catch((e: unknown) => e);
  expect(error).toMatchObject({ name: 'StoreUnavailableError', message: expect.stringMatching(/the state store \(PostgreSQL\) is unavailable: .*ECONNREFUSED/) });
  expect(Date.now() - started).toBeLessThan(3000);
});

test('--data with --database is refused before anything opens', async () => {
  await expect(createSandbox({ data: '/nonexistent/state.json', database: 'postgres://db/sandbox' })).rejects.toThrow(/--data and --database cannot be used together/);
});

