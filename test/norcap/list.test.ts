import { beforeAll, describe, expect, jest, test } from '@jest/globals';
import type { Sandbox } from '../../src/sandbox.js';
import { loadSpec } from '../../src/core/contract/spec.js';
import { testSandbox } from '../support/harness.js';
import { create, get, PATH } from './helpers.js';

interface D { id: string; amountCents: number; brokerageAccountId: string; submissionId: string; createdAt: string }

let sb: Sandbox;
let all: D[];
let otherBrokerage: string;
beforeAll(async () => {
  sb = await testSandbox();
  otherBrokerage = (await sb.store.scan('norcapBrokerageAccounts')).find((a) => a.owner === 'sandbox' && a.id !== 'NC95156')?.id as string;
  all = [];
  for (const [i, amount] of [500, 100, 300, 200, 400].entries()) {
    sb.clock.advance(60);
    const res = await create(sb, { newDistributions: [{ brokerageAccountId: i % 2 ? otherBrokerage : 'NC95156', amountCents: amount, accountId: 'A1234567890' }] });
    all.push(res.body.distributions[0]);
  }
});

const ids = (res: { body: { custody_distributions: D[] } }) => res.body.custody_distributions.map((d) => d.id);

describe('GET /v3/custody/distributions', () => {
  test('oldest first, default limit 10, pagination counts', async () => {
    const res = await get(sb, PATH);
    expect(res.status).toBe(200);
    expect(res.body.statusCode).toBe('101');
    expect(res.body.statusDesc).toBe('Ok');
    expect(ids(res)).toEqual(all.map((d) => d.id));
    expect(res.body.pagination).toEqual({ totalRecords: 5, startIndex: 0, endIndex: 5 });
  });

  test('limit and offset page through', async () => {
    const res = await get(sb, `${PATH}?limit=2&offset=2`);
    expect(ids(res)).toEqual(all.slice(2, 4).map((d) => d.id));
    expect(res.body.pagination).toEqual({ totalRecords: 5, startIndex: 2, endIndex: 4 });
    const past = await get(sb, `${PATH}?offset=10`);
    expect(past.body.custody_distributions).toEqual([]);
    expect(past.body.pagination).toEqual({ totalRecords: 5, startIndex: 10, endIndex: 10 });
  });

  test('sort by amount, both ways', async () => {
    const asc = await get(sb, `${PATH}?sort=amountCents:asc`);
    expect(asc.body.custody_distributions.map((d: D) => d.amountCents)).toEqual([100, 200, 300, 400, 500]);
    const desc = await get(sb, `${PATH}?sort=amountCents:desc`);
    expect(desc.body.custody_distributions.map((d: D) => d.amountCents)).toEqual([500, 400, 300, 200, 100]);
    const newest = await get(sb, `${PATH}?sort=createdAt:desc&limit=1`);
    expect(ids(newest)).toEqual([all[4]?.id]);
  });

  test('filters: brokerage account, status (single, repeated, []), submissionId, amount range', async () => {
    const byAccount = await get(sb, `${PATH}?filter[brokerageAccountId]=${otherBrokerage}`);
    expect(ids(byAccount)).toEqual([all[1]?.id, all[3]?.id]);
    expect(byAccount.body.pagination.totalRecords).toBe(2);

    expect(ids(await get(sb, `${PATH}?filter[status]=pending`))).toHaveLength(5);
    expect(ids(await get(sb, `${PATH}?filter[status]=completed`))).toEqual([]);
    expect(ids(await get(sb, `${PATH}?filter[status][]=completed&filter[status][]=pending`))).toHaveLength(5);
    expect(ids(await get(sb, `${PATH}?filter[status]=failed&filter[status]=pending`))).toHaveLength(5);

    expect(ids(await get(sb, `${PATH}?filter[submissionId]=${all[2]?.submissionId}`))).toEqual([all[2]?.id]);
    const range = await get(sb, `${PATH}?filter[amountCents][min]=200&filter[amountCents][max]=400&sort=amountCents`);
    expect(range.body.custody_distributions.map((d: D) => d.amountCents)).toEqual([200, 300, 400]);
  });

  test.each([
    ['limit=0', 'Bad request: query parameter limit must be >= 1', 'limit'],
    ['limit=501', 'Bad request: query parameter limit must be <= 500', 'limit'],
    ['offset=-1', 'Bad request: query parameter offset must be >= 0', 'offset'],
    ['limit=ten', 'Bad request: query parameter limit must be integer', 'limit'],
    ['sort=id:asc', 'Bad request: query parameter sort must match pattern "^(createdAt|updatedAt|amountCents|status|brokerageAccountId)(:(asc|desc))?$"', 'sort'],
    ['filter[status]=done', 'Bad request: query parameter filter[status][0] must be one of: pending, processing, on_hold, approved, rejected, scheduled, in_review, completed, terminated, failed, reopened', 'filter[status][0]'],
    ['filter[status]=pending&filter[status][]=done', 'Bad request: query parameter filter[status][1] must be one of: pending, processing, on_hold, approved, rejected, scheduled, in_review, completed, terminated, failed, reopened', 'filter[status][1]'],
    ['filter[colour]=red', 'Bad request: query parameter filter[colour] is not a recognized parameter', 'filter[colour]'],
    ['filter[amountCents][min]=ten', 'Bad request: query parameter filter[amountCents][min] must be integer', 'filter[amountCents][min]'],
    ['filter[submissionId]=nope', 'Bad request: query parameter filter[submissionId] must match format "uuid"', 'filter[submissionId]'],
    ['filter=pending', 'Bad request: query parameter filter is not a recognized parameter', 'filter'],
    ['page=2', 'Bad request: query parameter page is not a recognized parameter', 'page'],
    ['offset=2120115245007479242752&limit=1', 'Bad request: query parameter offset must be <= 9007199254740991', 'offset'],
    ['offset=9007199254740993', 'Bad request: query parameter offset must be <= 9007199254740991', 'offset'],
    ['offset=9007199254740992', 'Bad request: query parameter offset must be <= 9007199254740991', 'offset'],
  ])('%s is a clear 400', async (query, statusDesc, field) => {
    const res = await get(sb, `${PATH}?${query}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ statusCode: '1400', statusDesc, field });
  });
});

describe('offset at the largest the sandbox represents exactly, and empty parameter names', () => {
  test('offset=9007199254740991 (the spec\'s maximum) is a 200 page with that exact startIndex', async () => {
    const maximum = ((loadSpec('norcap').paths[PATH]?.get as { parameters: { name: string; schema: { maximum?: number } }[] }).parameters).find((p) => p.name === 'offset')?.schema.maximum;
    expect(maximum).toBe(Number.MAX_SAFE_INTEGER);
    const res = await get(sb, `${PATH}?offset=${Number.MAX_SAFE_INTEGER}&limit=1`);
    expect(res.status).toBe(200);
    expect(res.text).toContain(`"startIndex":${Number.MAX_SAFE_INTEGER},"endIndex":${Number.MAX_SAFE_INTEGER}`);
  });

  test.each(['=null', '=', 'limit=1&=x', '[]=x'])('?%s: 400 1400 naming an empty parameter name, no field', async (query) => {
    const res = await get(sb, `${PATH}?${query}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ statusCode: '1400', statusDesc: 'Bad request: query parameter with an empty name is not a recognized parameter' });
  });
});

describe('the list reads a page, not every record, when it can', () => {
  test('no filter, in creation order or by createdAt either way: the owner index, never a scan; a filter or another sort scans', async () => {
    const scan = jest.spyOn(sb.store, 'scan');
    try {
      for (const query of ['?limit=2', '?limit=2&offset=1', '?sort=createdAt:desc&limit=2', '?sort=createdAt:asc']) {
        const res = await get(sb, `${PATH}${query}`);
        expect(res.status).toBe(200);
        expect(res.body.pagination.totalRecords).toBe(all.length);
      }
      const newest = await get(sb, `${PATH}?sort=createdAt:desc&limit=2`);
      expect(newest.body.custody_distributions.map((d: D) => d.id)).toEqual([all[4]?.id, all[3]?.id]);
      expect(scan).not.toHaveBeenCalled();
      await get(sb, `${PATH}?filter[status]=pending`);
      await get(sb, `${PATH}?sort=amountCents:asc`);
      expect(scan).toHaveBeenCalledTimes(2);
    } finally {
      scan.mockRestore();
    }
  });
});

describe('GET /v3/custody/distributions/{id} (sandbox addition)', () => {
  test('answers the stored distribution', async () => {
    const res = await get(sb, `${PATH}/${all[0]?.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ statusCode: '101', statusDesc: 'Ok', distribution: all[0] });
  });

  test('an unknown uuid is 404, a malformed one 400', async () => {
    const unknown = await get(sb, `${PATH}/00000000-0000-4000-8000-000000000000`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ statusCode: '1404', statusDesc: "Not found: distribution '00000000-0000-4000-8000-000000000000' does not exist", field: 'distributionId' });
    const malformed = await get(sb, `${PATH}/nope`);
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual({ statusCode: '1400', statusDesc: 'Bad request: path parameter distributionId must match format "uuid"', field: 'distributionId' });
  });
});

describe('empty query values', () => {
  test('an empty parameter says so plainly', async () => {
    const sb2 = await testSandbox();
    const res = await get(sb2, `${PATH}?sort=`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ statusCode: '1400', statusDesc: 'Bad request: query parameter sort must not be empty', field: 'sort' });
  });
});
