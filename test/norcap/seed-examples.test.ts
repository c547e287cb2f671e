import { beforeEach, describe, expect, test } from '@jest/globals';
import type { Sandbox } from '../../src/sandbox.js';
import { testSandbox } from '../support/harness.js';
import { create, get, PATH, seedExamples } from './helpers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const { requests, responses } = seedExamples();

let sb: Sandbox;
beforeEach(async () => {
  sb = await testSandbox();
});

describe('the seed examples produce the documented responses', () => {
  test.each(Object.keys(responses))('example %s', async (name) => {
    const res = await create(sb, requests[name]?.value);
    const documented = responses[name]?.value as { distributions: Record<string, unknown>[] };

    expect(res.status).toBe(200);
    // Ids and timestamps aside, byte for byte the documented body, fields in the seed's order.
    const strip = (d: Record<string, unknown>) => ({ ...d, id: '<uuid>', submissionId: '<uuid>', createdAt: '<ts>', updatedAt: '<ts>' });
    expect({ ...res.body, distributions: res.body.distributions.map(strip) }).toEqual({ ...documented, distributions: documented.distributions.map(strip) });
    expect(Object.keys(res.body.distributions[0])).toEqual(Object.keys(documented.distributions[0] as object));
    for (const d of res.body.distributions) {
      expect(d.id).toMatch(UUID);
      expect(d.submissionId).toMatch(UUID);
      expect(d.createdAt).toBe('2024-04-20 12:00:00');
      expect(d.updatedAt).toBe('2024-04-20 12:00:00');
    }
  });

  test('example 4 creates three distributions under one submissionId, and each reads back', async () => {
    const res = await create(sb, requests.multiple?.value);

    expect(res.status).toBe(200);
    expect(res.body.distributions.map((d: { amountCents: number }) => d.amountCents)).toEqual([1111, 2222, 3333]);
    const submissionIds = new Set(res.body.distributions.map((d: { submissionId: string }) => d.submissionId));
    expect(submissionIds.size).toBe(1);
    expect(new Set(res.body.distributions.map((d: { id: string }) => d.id)).size).toBe(3);
    expect(res.body.distributions[2]).toMatchObject({ accountId: null, bankId: 'CHASDEFX123', bankAccountId: 'ACCT123456789XYZ', transactionType: null });

    const list = await get(sb, PATH);
    expect(list.body.custody_distributions).toEqual(res.body.distributions);
    for (const d of res.body.distributions) {
      const one = await get(sb, `${PATH}/${d.id}`);
      expect(one.status).toBe(200);
      expect(one.body).toEqual({ statusCode: '101', statusDesc: 'Ok', distribution: d });
    }
  });

  test('each request gets its own submissionId; timestamps follow the sandbox clock in UTC', async () => {
    const first = await create(sb, requests.accountId?.value);
    sb.clock.advance(90);
    const second = await create(sb, requests.accountId?.value);

    expect(first.body.distributions[0].submissionId).not.toBe(second.body.distributions[0].submissionId);
    expect(second.body.distributions[0].createdAt).toBe('2024-04-20 12:01:30');
    expect(await sb.store.count('norcapDistributions')).toBe(2);
  });
});
