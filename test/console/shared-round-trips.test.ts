import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { CONSOLE_APPLICATION_NAME } from '../../src/backends/postgres/console-channel.js';
import { createSandbox, type Sandbox } from '../../src/sandbox.js';
import { T0 } from '../support/harness.js';
import { describePostgres, recordStatements, testSchema, type TestSchema } from '../support/postgres.js';
import { StreamReader } from './helpers.js';

const NORCAP = { Authorization: 'Bearer sandbox:sandbox_api_key' };
const CONSOLE_APP = CONSOLE_APPLICATION_NAME;

// Every statement any client sends, with the application_name of its connection: the request
// pool's and the console's own tell apart.
let recorder: ReturnType<typeof recordStatements> | undefined;

describePostgres('the shared console costs the request pool nothing', () => {
  let schema: TestSchema;
  let sb: Sandbox;
  let url: string;

  beforeAll(async () => {
    schema = testSchema();
    sb = await createSandbox({ seed: 1, frozenAt: T0, database: schema.url, databaseSchema: schema.name });
    url = await sb.start(0);
    recorder = recordStatements();
  });
  afterAll(async () => {
    recorder?.stop();
    await sb.stop();
    await schema.drop();
  });

  test('requests and their rows: no console statement in the pool; on the console connection one INSERT per batch, its own rows never read back', async () => {
    const stream = new StreamReader(`${url}/console/stream`);
    await stream.opened;
    await stream.next((e) => e.event === 'hello');
    if (recorder) recorder.sent.length = 0;
    const statements = recorder?.sent ?? [];
    const queries = Array.from({ length: 8 }, (_, i) => `?limit=${i + 1}`);
    const answers = await Promise.all(queries.map((query) => fetch(`${url}/v3/custody/distributions${query}`, { headers: NORCAP })));
    expect(answers.map((res) => res.status)).toEqual(queries.map(() => 200));
    for (const query of queries) await stream.row((r) => r.query === query);

    const pool = statements.filter((s) => s.app !== CONSOLE_APP);
    const onConsole = statements.filter((s) => s.app === CONSOLE_APP);
    expect(pool.length).toBeGreaterThan(0);
    expect(pool.filter((s) => /console_/.test(s.text))).toEqual([]);
    expect(onConsole.length).toBeGreaterThanOrEqual(1);
    expect(onConsole.length).toBeLessThanOrEqual(queries.length); // batched: never more than one per request
    for (const s of onConsole) expect(s.text).toMatch(/^\s*WITH head AS \(\s*INSERT INTO console_heads/);
    stream.close();
  });
});
