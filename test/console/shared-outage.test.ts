import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { createSandbox, type Sandbox } from '../../src/sandbox.js';
import { T0 } from '../support/harness.js';
import { databaseUrl, describePostgres, testSchema, type TestSchema } from '../support/postgres.js';
import { tcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { StreamReader } from './helpers.js';

const NORCAP = { Authorization: 'Bearer sandbox:sandbox_api_key' };

describePostgres('the shared console when the database goes away and comes back', () => {
  let schema: TestSchema;
  let proxy: TcpProxy;
  let sb: Sandbox;
  let url: string;

  beforeAll(async () => {
    schema = testSchema();
    proxy = await tcpProxy(databaseUrl as string);
    sb = await createSandbox({ seed: 1, frozenAt: T0, database: proxy.url, databaseSchema: schema.name });
    url = await sb.start(0);
  });
  afterAll(async () => {
    await sb.stop();
    await proxy.close();
    await schema.drop();
  });

  test('the console connection reconnects by itself; the rows of the outage are written then, none lost, and the stream goes on', async () => {
    const stream = new StreamReader(`${url}/console/stream`);
    await stream.opened;
    expect((await fetch(`${url}/v3/custody/distributions?limit=1`, { headers: NORCAP })).status).toBe(200);
    await stream.row((r) => r.status === 200);

    proxy.down();
    // Served (with a 503) while the database is away: journaled, waiting to be written.
    expect((await fetch(`${url}/v3/custody/distributions?limit=2`, { headers: NORCAP })).status).toBe(503);
    proxy.up();

    const during = await stream.row((r) => r.query === '?limit=2');
    expect(during.status).toBe(503);
    expect((await fetch(`${url}/v3/custody/distributions?limit=3`, { headers: NORCAP })).status).toBe(200);
    await stream.row((r) => r.query === '?limit=3');
    const queries = stream.events.filter((e) => e.event === 'request').map((e) => (JSON.parse(e.data) as { query: string }).query);
    expect(queries).toEqual(['?limit=1', '?limit=2', '?limit=3']);
    const journal = (await (await fetch(`${url}/_sandbox/requests`)).json()) as { entries: { status: number }[] };
    expect(journal.entries.map((e) => e.status)).toEqual([200, 503, 200]);
    stream.close();
  });
});
