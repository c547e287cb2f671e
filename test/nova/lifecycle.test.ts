import { beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { AUTO_ADVANCE_INTERVAL_SECONDS, novaLifecycle } from '../../src/apis/nova/lifecycle.js';
import type { NovaData } from '../../src/apis/nova/types.js';
import type { AppContext } from '../../src/core/api-module.js';
import { ApiFailure } from '../../src/core/errors.js';
import { IdFactory } from '../../src/core/ids.js';
import { createRandom } from '../../src/core/random.js';
import type { RecordStore } from '../../src/core/store/record-store.js';
import type { Sandbox } from '../../src/sandbox.js';
import { testSandbox } from '../support/harness.js';
import { distributionItem, ENTITY_1, NovaClient } from './helpers.js';

let sb: Sandbox;
let ctx: AppContext<NovaData>;
let client: NovaClient;
beforeAll(async () => {
  sb = await testSandbox();
  const random = createRandom(1);
  ctx = { store: sb.store as unknown as RecordStore<NovaData>, clock: sb.clock, ids: new IdFactory(random), random };
});
beforeEach(async () => {
  await sb.reset();
  client = await NovaClient.for(sb);
});

/** A new draft distribution with two payments; its id. */
async function draft(): Promise<string> {
  const res = await client.post('/v1/distributions', [distributionItem({ payments: [1, 2].map((amount) => ({ amount, currency: 'USD', entity: ENTITY_1 })) })]);
  return res.body.data[0].id as string;
}

/** The distribution as the API answers it. */
async function read(id: string): Promise<Record<string, unknown> & { payments: { data: { status: string }[] } }> {
  const res = await client.get(`/v1/distributions/${id}`);
  expect(res.status).toBe(200);
  return res.body;
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiFailure);
  return (error as ApiFailure).failure;
}

describe('novaLifecycle.move', () => {
  test('walks draft → published → approved → executed, stamping each move from the clock; payments follow', async () => {
    const id = await draft();
    sb.clock.advance(60);
    const published = await novaLifecycle.move(ctx, id, 'published');
    sb.clock.advance(60);
    await novaLifecycle.move(ctx, id, 'approved');
    sb.clock.advance(60);
    await novaLifecycle.move(ctx, id, 'executed');

    const distribution = await read(id);
    expect(published).toMatchObject({ status: 'published', published_at: '2024-04-20T12:01:00Z', updated_at: '2024-04-20T12:01:00Z' });
    expect(distribution).toMatchObject({
      status: 'executed',
      published_at: '2024-04-20T12:01:00Z',
      approved_at: '2024-04-20T12:02:00Z',
      executed_at: '2024-04-20T12:03:00Z',
      cancelled_at: null,
      created_at: '2024-04-20T12:00:00Z',
      updated_at: '2024-04-20T12:03:00Z',
    });
    expect(distribution.payments.data.map((p) => p.status)).toEqual(['paid', 'paid']);
  });

  test.each(['draft', 'published', 'approved'])('a %s distribution may be cancelled; its payments are cancelled too', async (from) => {
    const id = await draft();
    const path = ['published', 'approved'].slice(0, ['draft', 'published', 'approved'].indexOf(from));
    for (const status of path) await novaLifecycle.move(ctx, id, status);
    sb.clock.advance(5);

    await novaLifecycle.move(ctx, id, 'cancelled');

    const distribution = await read(id);
    expect(distribution).toMatchObject({ status: 'cancelled', cancelled_at: '2024-04-20T12:00:05Z', updated_at: '2024-04-20T12:00:05Z', executed_at: null });
    expect(distribution.payments.data.map((p) => p.status)).toEqual(['cancelled', 'cancelled']);
  });

  test('payments are pending once published', async () => {
    const id = await draft();
    await novaLifecycle.move(ctx, id, 'published');

    expect((await read(id)).payments.data.map((p) => p.status)).toEqual(['pending', 'pending']);
  });

  test.each([
    [[], 'approved', 'is draft and cannot become approved'],
    [[], 'executed', 'is draft and cannot become executed'],
    [[], 'draft', 'is draft and cannot become draft'],
    [['published'], 'draft', 'is published and cannot become draft'],
    [['published', 'approved', 'executed'], 'cancelled', 'is executed and cannot become cancelled'],
    [['cancelled'], 'published', 'is cancelled and cannot become published'],
  ])('after %j, moving to %s is 409 invalid_status_transition and changes nothing', async (path, status, message) => {
    const id = await draft();
    for (const step of path) await novaLifecycle.move(ctx, id, step);
    const before = await read(id);

    const failure = await failureOf(novaLifecycle.move(ctx, id, status));

    expect(failure).toEqual({ kind: 'rule', status: 409, code: 'invalid_status_transition', message: `distribution '${id}' ${message}` });
    expect(await read(id)).toEqual(before);
  });

  test('an unknown id is not_found; an unknown status a validation failure', async () => {
    expect(await failureOf(novaLifecycle.move(ctx, 'dst_doesNotExist1', 'published'))).toMatchObject({ kind: 'not_found', status: 404, field: 'distribution_id' });
    expect(await failureOf(novaLifecycle.move(ctx, await draft(), 'processing'))).toMatchObject({ kind: 'validation', status: 400, field: 'status' });
  });
});

describe('novaLifecycle.autoAdvance', () => {
  test(`moves one step per ${AUTO_ADVANCE_INTERVAL_SECONDS} s since the last update, stamped when it fell due`, async () => {
    const id = await draft();
    sb.clock.advance(59);
    await novaLifecycle.autoAdvance?.(ctx);
    expect((await read(id)).status).toBe('draft');

    sb.clock.advance(1);
    await novaLifecycle.autoAdvance?.(ctx);
    expect(await read(id)).toMatchObject({ status: 'published', published_at: '2024-04-20T12:01:00Z', updated_at: '2024-04-20T12:01:00Z' });
  });

  test('a jump of several intervals catches up, each step at its own instant, and stops at executed', async () => {
    const id = await draft();
    sb.clock.advance(10 * 60);

    await novaLifecycle.autoAdvance?.(ctx);

    const distribution = await read(id);
    expect(distribution).toMatchObject({
      status: 'executed',
      published_at: '2024-04-20T12:01:00Z',
      approved_at: '2024-04-20T12:02:00Z',
      executed_at: '2024-04-20T12:03:00Z',
      updated_at: '2024-04-20T12:03:00Z',
      cancelled_at: null,
    });
    expect(distribution.payments.data.map((p) => p.status)).toEqual(['paid', 'paid']);
  });

  test('leaves cancelled distributions alone and counts from a manual move', async () => {
    const cancelled = await draft();
    const moved = await draft();
    await novaLifecycle.move(ctx, cancelled, 'cancelled');
    sb.clock.advance(30);
    await novaLifecycle.move(ctx, moved, 'published'); // updated 12:00:30
    sb.clock.advance(60); // 12:01:30

    await novaLifecycle.autoAdvance?.(ctx);

    expect((await read(cancelled)).status).toBe('cancelled');
    expect(await read(moved)).toMatchObject({ status: 'approved', approved_at: '2024-04-20T12:01:30Z' });
  });
});
