import { beforeAll, describe, expect, test } from '@jest/globals';
import request from 'supertest';
import type { Sandbox } from '../../src/sandbox.js';
import { expectContract, testSandbox } from '../support/harness.js';
import { create, get, item, PATH, SECOND_AUTH } from './helpers.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await testSandbox();
});

describe('Authorization: Bearer <clientId>:<apiKey>', () => {
  test.each([
    ['no header', undefined, 'Unauthorized: missing credentials'],
    ['no colon', 'Bearer sandbox', 'Unauthorized: malformed credentials, expected Bearer <clientId>:<apiKey>'],
    ['Basic scheme', 'Basic c2FuZGJveDpzYW5kYm94X2FwaV9rZXk=', 'Unauthorized: malformed credentials, expected Bearer <clientId>:<apiKey>'],
    ['a wrong key', 'Bearer sandbox:wrong', 'Unauthorized: invalid credentials'],
    ['an unknown client', 'Bearer nobody:sandbox_api_key', 'Unauthorized: invalid credentials'],
    ["another client's key", 'Bearer sandbox:sandbox_two_api_key', 'Unauthorized: invalid credentials'],
  ])('%s is 401 in the NorCap envelope', async (_name, authorization, statusDesc) => {
    const before = await sb.store.count('norcapDistributions');
    const req = request(sb.app).post(PATH).send(item());
    const res = await (authorization ? req.set('Authorization', authorization) : req);
    expectContract('norcap', res);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ statusCode: '1401', statusDesc });
    expect(res.headers['www-authenticate']).toBe('Bearer realm="norcap"');
    expect(await sb.store.count('norcapDistributions')).toBe(before);
  });

  test('reads need credentials too', async () => {
    const res = await request(sb.app).get(PATH);
    expectContract('norcap', res);
    expect(res.status).toBe(401);
  });
});

describe('each credential sees only its own', () => {
  test("a distribution of one credential is invisible to the other, in the list and by id", async () => {
    const mine = await create(sb, item());
    const theirs = await create(sb, { newDistributions: [{ brokerageAccountId: 'NC20001', amountCents: 77, accountId: 'A2000000001' }] }, SECOND_AUTH);
    expect(theirs.status).toBe(200);

    const myId = mine.body.distributions[0].id as string;
    const theirId = theirs.body.distributions[0].id as string;
    const myList = await get(sb, PATH);
    expect(myList.body.custody_distributions.map((d: { id: string }) => d.id)).toContain(myId);
    expect(myList.body.custody_distributions.map((d: { id: string }) => d.id)).not.toContain(theirId);
    const theirList = await get(sb, PATH, SECOND_AUTH);
    expect(theirList.body.custody_distributions.map((d: { id: string }) => d.id)).toEqual([theirId]);

    const peek = await get(sb, `${PATH}/${theirId}`);
    expect(peek.status).toBe(404);
    expect(peek.body).toEqual({ statusCode: '1404', statusDesc: `Not found: distribution '${theirId}' does not exist`, field: 'distributionId' });
  });
});
