import { describe, expect, test } from '@jest/globals';
import request from 'supertest';
import { expectContract, T0, testSandbox } from '../support/harness.js';
import { create, get, item, PATH } from '../norcap/helpers.js';
import { control, journal } from './helpers.js';

describe('POST /_sandbox/reset', () => {
  test('restores the fixtures and clears faults, journal, coverage and the clock offset', async () => {
    const sb = await testSandbox();
    const created = await create(sb, item());
    const id = created.body.distributions[0].id as string;
    await control(sb, 'post', `/_sandbox/norcap/distributions/${id}/status`, { status: 'processing' });
    await control(sb, 'post', '/_sandbox/faults', { method: 'GET', path: PATH, status: 503 });
    await control(sb, 'post', '/_sandbox/clock/advance', { seconds: 3600 });
    expect(await sb.store.count('norcapDistributions')).toBe(1);
    expect((await journal(sb)).length).toBe(1);

    const res = await control(sb, 'post', '/_sandbox/reset');

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ reset: true, clock: { now: T0.toISOString(), offset_seconds: 0, frozen: true } });
    expect(await sb.store.count('norcapDistributions')).toBe(0);
    expect(await sb.store.get('norcapAccounts', 'A1234567890')).toMatchObject({ owner: 'sandbox', linked: true }); // fixtures are back
    expect((await control(sb, 'get', '/_sandbox/faults')).body).toEqual({ faults: [] });
    expect(await journal(sb)).toEqual([]);
    const coverage = await control(sb, 'get', '/_sandbox/coverage');
    expect(coverage.body.summary).toMatchObject({ operations_exercised: 0, statuses_exercised: 0 });
    expect(coverage.body.since).toBe(T0.toISOString());

    // The fault is gone: the read succeeds, and the created distribution no longer exists.
    const list = await get(sb, PATH);
    expect(list.status).toBe(200);
    expect(list.body.custody_distributions).toEqual([]);
    expect((await get(sb, `${PATH}/${id}`)).status).toBe(404);
  });

  test('a malformed body (none is needed) is a 400 problem and resets nothing', async () => {
    const sb = await testSandbox();
    await create(sb, item());

    const res = await request(sb.app).post('/_sandbox/reset').set('Content-Type', 'application/json').send('{"all":');

    expectContract('sandbox', res);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toEqual({ type: 'about:blank', title: 'Bad Request', status: 400, detail: 'request body is not valid JSON' });
    expect(await sb.store.count('norcapDistributions')).toBe(1);
  });

  test('sandbox.reset() in the library does the same', async () => {
    const sb = await testSandbox();
    await create(sb, item());
    await sb.faults.add({ method: 'GET', path: PATH, status: 503 });
    await sb.advanceClock(60);

    await sb.reset();

    expect(await sb.store.count('norcapDistributions')).toBe(0);
    expect(await sb.faults.list()).toEqual([]);
    expect(sb.journal.list().total).toBe(0);
    expect(sb.coverage.report().summary.operations_exercised).toBe(0);
    expect(sb.clock.now()).toEqual(T0);
  });
});
