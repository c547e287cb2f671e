import { describe, expect, test } from '@jest/globals';
import { API_MODULES, type SandboxData } from '../../src/apis/index.js';
import type { DistributionRecord } from '../../src/apis/norcap/types.js';
import type { ApiModule, AppContext } from '../../src/core/api-module.js';
import { SandboxClock } from '../../src/core/clock.js';
import { AutoAdvancer } from '../../src/control-plane/auto-advance.js';
import type { Sandbox } from '../../src/sandbox.js';
import { testSandbox } from '../support/harness.js';
import { create, get, item, PATH } from '../norcap/helpers.js';
import { control } from './helpers.js';

async function createOne(sb: Sandbox, overrides: Record<string, unknown>): Promise<string> {
  const res = await create(sb, item(overrides));
  expect(res.status).toBe(200);
  return res.body.distributions[0].id as string;
}

async function read(sb: Sandbox, id: string): Promise<Record<string, unknown>> {
  const res = await get(sb, `${PATH}/${id}`);
  expect(res.status).toBe(200);
  return res.body.distribution;
}

const ROUTING = { accountId: undefined, bankId: '012345678', bankAccountId: '123456789' };
const BIC = { accountId: undefined, bankId: 'CHASDEFX123', bankAccountId: 'DE89370400440532013000' };

describe('--auto-advance', () => {
  test('pending becomes processing after 60 s (its transaction type settled), then completed after 60 s more', async () => {
    const sb = await testSandbox({ autoAdvance: true });
    const ach = await createOne(sb, ROUTING);
    const wire = await createOne(sb, BIC);

    await control(sb, 'post', '/_sandbox/clock/advance', { seconds: 59 });
    expect(await read(sb, ach)).toMatchObject({ status: 'pending', transactionType: null });

    await control(sb, 'post', '/_sandbox/clock/advance', { seconds: 1 });
    expect(await read(sb, ach)).toMatchObject({ status: 'processing', transactionType: 'ach', updatedAt: '2024-04-20 12:01:00' });
    expect(await read(sb, wire)).toMatchObject({ status: 'processing', transactionType: 'wire', updatedAt: '2024-04-20 12:01:00' });

    await control(sb, 'post', '/_sandbox/clock/advance', { seconds: 60 });
    expect(await read(sb, ach)).toMatchObject({ status: 'completed', transactionType: 'ach', updatedAt: '2024-04-20 12:02:00' });
    expect(await read(sb, wire)).toMatchObject({ status: 'completed', transactionType: 'wire' });
  });

  test('one long jump takes every step that fell due, each stamped when it was due; other statuses stay', async () => {
    const sb = await testSandbox({ autoAdvance: true });
    const id = await createOne(sb, ROUTING);
    const held = await createOne(sb, ROUTING);
    await control(sb, 'post', `/_sandbox/norcap/distributions/${held}/status`, { status: 'on_hold' });

    await control(sb, 'post', '/_sandbox/clock/advance', { seconds: 3600 });

    expect(await read(sb, id)).toMatchObject({ status: 'completed', transactionType: 'ach', updatedAt: '2024-04-20 12:02:00' });
    expect(await read(sb, held)).toMatchObject({ status: 'on_hold', updatedAt: '2024-04-20 12:00:00' });
  });

  test('a distribution moved by hand counts its interval from that move', async () => {
    const sb = await testSandbox({ autoAdvance: true });
    const id = await createOne(sb, BIC);
    await sb.advanceClock(30);
    await control(sb, 'post', `/_sandbox/norcap/distributions/${id}/status`, { status: 'processing' });

    await sb.advanceClock(45); // 75 s after creation, 45 s after the move
    expect(await read(sb, id)).toMatchObject({ status: 'processing' });
    await sb.advanceClock(15);
    expect(await read(sb, id)).toMatchObject({ status: 'completed', updatedAt: '2024-04-20 12:01:30' });
  });

  test('without the option nothing moves on its own', async () => {
    const sb = await testSandbox();
    const id = await createOne(sb, ROUTING);

    await control(sb, 'post', '/_sandbox/clock/advance', { seconds: 3600 });

    expect(await read(sb, id)).toMatchObject({ status: 'pending', transactionType: null });
  });
});

describe('AutoAdvancer', () => {
  /** A timer the test fires by hand: `tick()` runs what `every` was given. */
  function manualTimer() {
    const timer = { ms: 0, started: 0, stopped: 0, run: (): void => undefined };
    const every = (ms: number, run: () => void) => {
      Object.assign(timer, { ms, run, started: timer.started + 1 });
      return () => void (timer.stopped += 1);
    };
    return { timer, every };
  }

  /** A module whose auto-advance notes the sandbox time of each run; the first `failures` runs throw. */
  function countingModule(seen: number[], failures = 0): ApiModule {
    const autoAdvance = async (ctx: AppContext): Promise<void> => {
      seen.push(ctx.clock.nowMs());
      if (seen.length <= failures) throw new Error('disk full');
    };
    return { name: 'norcap', lifecycle: { statuses: [], move: async () => undefined, autoAdvance } } as unknown as ApiModule;
  }

  test('on the wall clock, a timer progresses distributions as real time passes, without any advance()', async () => {
    const clock = new SandboxClock(); // not frozen: sandbox time moves by itself
    const seen: number[] = [];
    const { timer, every } = manualTimer();
    const auto = new AutoAdvancer({ clock } as AppContext, [countingModule(seen)], { every });

    expect(timer).toMatchObject({ ms: 1000, started: 1 });
    timer.run();
    await auto.settled();
    expect(seen).toHaveLength(1);
    timer.run();
    timer.run(); // a tick while one run is still queued adds none: runs never pile up
    await auto.settled();
    expect(seen).toHaveLength(2);

    auto.stop();
    expect(timer.stopped).toBe(1);
  });

  test('a frozen clock starts no timer: only advance() moves it', () => {
    const { timer, every } = manualTimer();
    const auto = new AutoAdvancer({ clock: new SandboxClock({ frozenAt: new Date(0) }) } as AppContext, [countingModule([])], { every });

    expect(timer.started).toBe(0);
    auto.stop();
  });

  test('a NorCap distribution on a running clock becomes processing once 60 s of real time have passed', async () => {
    const sb = await testSandbox({ frozenAt: undefined }); // the wall clock; its own advancer is driven below
    const id = await createOne(sb, ROUTING);
    const record = await sb.store.get('norcapDistributions', id) as DistributionRecord;
    // As if 61 s of wall time had passed: back-date the record instead of waiting.
    const past = new Date(sb.clock.nowMs() - 61_000).toISOString().replace('T', ' ').slice(0, 19);
    await sb.store.commit((tx) => tx.put('norcapDistributions', id, { owner: record.owner, distribution: { ...record.distribution, createdAt: past, updatedAt: past } }));
    const auto = new AutoAdvancer(
      { clock: sb.clock, store: sb.store } as unknown as AppContext<SandboxData>,
      API_MODULES,
      { every: (_ms, run) => (run(), () => undefined) }, // one tick, right away
    );
    await auto.settled();
    auto.stop();

    expect(await read(sb, id)).toMatchObject({ status: 'processing', transactionType: 'ach' });
    await sb.stop();
  });

  test('runs every module on each advance; a failure surfaces once from settled() and later runs go on', async () => {
    const clock = new SandboxClock({ frozenAt: new Date(0) });
    const seen: number[] = [];
    const auto = new AutoAdvancer({ clock } as AppContext, [countingModule(seen, 1)]);

    clock.advance(60);
    await expect(auto.settled()).rejects.toThrow('disk full');
    clock.advance(60);
    await expect(auto.settled()).resolves.toBeUndefined();
    expect(seen).toEqual([60_000, 120_000]);

    auto.stop();
    clock.advance(60);
    await auto.settled();
    expect(seen).toHaveLength(2);
  });
});
