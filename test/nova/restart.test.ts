import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testSandbox } from '../support/harness.js';
import { NovaClient, referenceExample } from './helpers.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nova-restart-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('with --data, tokens and idempotency keys survive a restart: the retry replays, nothing is created twice', async () => {
  const data = join(dir, 'sandbox.json');
  const before = await testSandbox({ data });
  const client = await NovaClient.for(before);
  const first = await client.post('/v1/distributions', referenceExample(), { idempotencyKey: 'across-restart' });
  await before.stop();

  const after = await testSandbox({ data });
  const retry = await new NovaClient(after.app, client.token).post('/v1/distributions', referenceExample(), { idempotencyKey: 'across-restart' });

  expect(first.status).toBe(201);
  expect(retry.status).toBe(201);
  expect(retry.headers['idempotent-replayed']).toBe('true');
  expect(retry.text).toBe(first.text);
  expect(await after.store.count('novaDistributions')).toBe(1);
  await after.stop();
});
