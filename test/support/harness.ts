import { afterAll, afterEach, expect } from '@jest/globals';
import type { Response } from 'supertest';
import { ResponseContract } from '../../src/core/contract/responses.js';
import type { ApiName } from '../../src/core/contract/spec.js';
import type { SandboxData } from '../../src/apis/index.js';
import { EmbeddedStore } from '../../src/backends/embedded/embedded-store.js';
import { createSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox.js';
import { testSchema, type TestSchema } from './postgres.js';

/** The instant every test sandbox starts at: timestamps in assertions are exact. */
export const T0 = new Date('2024-04-20T12:00:00Z');

/**
 * Which store `testSandbox` opens: `SANDBOX_TEST_STORE=postgres` (the `postgres` jest project
 * sets it, see jest.config.js) runs the same suites on PostgreSQL, one fresh schema per sandbox.
 */
export const TEST_STORE: 'embedded' | 'postgres' = process.env.SANDBOX_TEST_STORE === 'postgres' ? 'postgres' : 'embedded';

/** PostgreSQL sandboxes this test file opened: stopped (pools closed) and their schemas dropped after it. */
const opened: { sandbox: Sandbox; schema: TestSchema }[] = [];
if (TEST_STORE === 'postgres') {
  afterAll(async () => {
    const all = opened.splice(0);
    await Promise.all(all.map(({ sandbox }) => sandbox.stop().catch(() => undefined)));
    await Promise.all(all.map(({ schema }) => schema.drop()));
  });
}

/**
 * A fresh sandbox with a frozen clock and a fixed seed: in memory, or, under
 * `SANDBOX_TEST_STORE=postgres`, on a schema of its own in `DATABASE_URL`.
 */
export async function testSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  if (TEST_STORE === 'embedded' || options.data !== undefined) return createSandbox({ seed: 1, frozenAt: T0, ...options });
  const schema = testSchema();
  const sandbox = await createSandbox({ seed: 1, frozenAt: T0, database: schema.url, databaseSchema: schema.name, ...options });
  opened.push({ sandbox, schema });
  return sandbox;
}

/**
 * A `testSandbox` for each test that asks, stopped after that test (registers the `afterEach`).
 *
 * @example
 * const sandbox = sandboxPerTest();
 * test('…', async () => { const sb = await sandbox({ adminToken: 't' }); … });
 */
export function sandboxPerTest(): (options?: SandboxOptions) => Promise<Sandbox> {
  const started: Sandbox[] = [];
  afterEach(async () => {
    for (const sb of started.splice(0)) await sb.stop();
  });
  return async (options = {}) => {
    const sb = await testSandbox(options);
    started.push(sb);
    return sb;
  };
}

/** The sandbox's embedded store, for a test about its internals (it fails under the PostgreSQL run). */
export function embeddedStore(sb: Pick<Sandbox, 'store'>): EmbeddedStore<SandboxData> {
  if (!(sb.store instanceof EmbeddedStore)) throw new Error('this test needs the embedded store');
  return sb.store;
}

/**
 * Fails the test unless the response is one the spec documents for its operation and status,
 * with a body that matches the schema. Every test response goes through this.
 */
export function expectContract(api: ApiName, res: Response): void {
  const req = (res as unknown as { req: { method: string; path: string } }).req;
  const path = req.path.split('?')[0] ?? req.path;
  const check = ResponseContract.for(api).check(req.method, path, res.status, res.body, String(res.headers['content-type'] ?? 'application/json'));
  expect(check.problems).toEqual([]);
}
