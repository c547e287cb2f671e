import { beforeEach, describe, expect, test } from '@jest/globals';
import request from 'supertest';
import type { Sandbox } from '../../src/sandbox.js';
import { expectContract, T0, testSandbox } from '../support/harness.js';
import { create, get, item, PATH } from '../norcap/helpers.js';
import { control, expectProblem, journal } from './helpers.js';

let sb: Sandbox;
beforeEach(async () => {
  sb = await testSandbox();
});

describe('GET /_sandbox/requests: the request journal', () => {
  test('a credential-less NorCap request is journaled as not matching the contract, and why', async () => {
    const res = await request(sb.app).get(PATH);
    expectContract('norcap', res);
    expect(res.status).toBe(401);

    const [entry, ...rest] = await journal(sb);
    expect(rest).toEqual([]);
    expect(entry).toEqual({
      seq: 1,
      time: T0.toISOString(),
      api: 'norcap',
      operation: 'listDistributions',
      method: 'GET',
      path: PATH,
      status: 401,
      duration_ms: expect.any(Number),
      matched_contract: false,
      problems: ['missing credentials'],
      failure: { kind: 'unauthenticated', message: 'missing credentials' },
      fault: null,
    });
  });

  test('a request failing the schema names the failing field; a broken business rule still matched the contract', async () => {
    await create(sb, item({ amountCents: '12' }));
    await create(sb, item({ accountId: 'A999' }));
    const ok = await create(sb, item());
    expect(ok.status).toBe(200);

    const [good, rule, invalid] = await journal(sb);
    expect(invalid).toMatchObject({
      operation: 'createDistributions',
      status: 400,
      matched_contract: false,
      problems: ['newDistributions[0].amountCents must be integer'],
      failure: { kind: 'validation', field: 'newDistributions[0].amountCents' },
    });
    expect(rule).toMatchObject({
      status: 400,
      matched_contract: true,
      problems: [],
      failure: { kind: 'rule', message: "Bad request: 'A999' is not a valid account ID", field: 'newDistributions[0].accountId' },
    });
    expect(good).toMatchObject({ method: 'POST', status: 200, matched_contract: true, problems: [], failure: null });
    expect([good, rule, invalid].map((e) => e?.seq)).toEqual([3, 2, 1]);
  });

  test('a route the spec does not document, and a path no API serves, do not match', async () => {
    const undocumented = await request(sb.app).delete(PATH).set('Authorization', 'Bearer sandbox:sandbox_api_key');
    const nowhere = await request(sb.app).get('/v2/whatever');
    expect(undocumented.status).toBe(405);
    expect(nowhere.status).toBe(404);
    expect(nowhere.body).toEqual({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'No route for GET /v2/whatever' });

    const [none, norcap] = await journal(sb);
    expect(norcap).toMatchObject({ api: 'norcap', operation: null, status: 405, matched_contract: false, problems: [`DELETE ${PATH} is not an operation of openapi/norcap.yaml`] });
    expect(none).toMatchObject({ api: null, operation: null, status: 404, matched_contract: false, problems: ['no API serves /v2/whatever'] });
  });

  test('filters by api, path prefix and status, and limits; total counts every match', async () => {
    const created = await create(sb, item());
    await get(sb, `${PATH}/${created.body.distributions[0].id}`);
    await get(sb, PATH);
    await request(sb.app).get('/elsewhere');

    expect((await journal(sb, '?api=norcap')).map((e) => e.operation)).toEqual(['listDistributions', 'getDistribution', 'createDistributions']);
    expect((await journal(sb, '?api=none')).map((e) => e.path)).toEqual(['/elsewhere']);
    expect((await journal(sb, `?path=${PATH}/`)).map((e) => e.operation)).toEqual(['getDistribution']);
    expect((await journal(sb, '?status=404')).map((e) => e.path)).toEqual(['/elsewhere']);
    const limited = await control(sb, 'get', '/_sandbox/requests?api=norcap&limit=2');
    expect(limited.body.entries.map((e: { seq: number }) => e.seq)).toEqual([3, 2]);
    expect(limited.body).toMatchObject({ total: 3, capacity: 1000 });
  });

  test('a bad filter is a 400 problem', async () => {
    const res = await control(sb, 'get', '/_sandbox/requests?limit=0');
    const unknown = await control(sb, 'get', '/_sandbox/requests?api=other');
    expectProblem(res, 400, 'query parameter limit must be >= 1');
    expectProblem(unknown, 400, 'must be one of: norcap, nova, none');
  });

  test('control calls and health checks are not journaled', async () => {
    await control(sb, 'get', '/_sandbox/clock');
    await request(sb.app).get('/healthz').expect(200);

    expect(await journal(sb)).toEqual([]);
  });

  test('DELETE empties the journal; new requests are journaled afterwards', async () => {
    await get(sb, PATH);
    const cleared = await control(sb, 'delete', '/_sandbox/requests');
    expect(cleared.status).toBe(204);
    expect(await journal(sb)).toEqual([]);

    await get(sb, PATH);
    expect((await journal(sb)).map((e) => e.seq)).toEqual([2]);
  });

  test('the journal is bounded: the oldest entries drop once it is full', async () => {
    const small = await testSandbox({ journalSize: 2 });
    for (let i = 0; i < 3; i++) await get(small, `${PATH}?offset=${i}`);

    const res = await control(small, 'get', '/_sandbox/requests');
    expect(res.body.capacity).toBe(2);
    expect(res.body.entries.map((e: { seq: number }) => e.seq)).toEqual([3, 2]);
    expect(small.journal.list().total).toBe(2);
  });
});
