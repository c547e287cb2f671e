import { beforeEach, describe, expect, test } from '@jest/globals';
import request from 'supertest';
import type { Sandbox } from '../../src/sandbox.js';
import { expectContract, testSandbox } from '../support/harness.js';
import { create, item, PATH, SANDBOX_AUTH } from './helpers.js';

let sb: Sandbox;
beforeEach(async () => {
  sb = await testSandbox();
});

/** Posts, checks the answer against the spec and that nothing was stored. */
async function rejected(body: unknown, status: number, statusDesc: string, field?: string): Promise<void> {
  const res = await create(sb, body);
  expect(res.status).toBe(status);
  expect(res.body).toEqual({ statusCode: `1${status}`, statusDesc, ...(field ? { field } : {}) });
  expect(await sb.store.count('norcapDistributions')).toBe(0);
}

describe("the seed's common error messages, verbatim", () => {
  test('neither account ID nor banking info', () =>
    rejected(item({ accountId: undefined }), 400, 'Bad request: account ID or banking info required', 'newDistributions[0]'));

  test('both account ID and banking info', () =>
    rejected(item({ bankId: '012345678', bankAccountId: '123456789' }), 400, 'Bad request: only one of account ID or banking info may be specified', 'newDistributions[0]'));

  test('an account ID that does not exist', () =>
    rejected(item({ accountId: 'A0000000000' }), 400, "Bad request: 'A0000000000' is not a valid account ID", 'newDistributions[0].accountId'));

  test('an account that is not linked to an external account', () =>
    rejected(item({ accountId: 'A1234567891' }), 400, "Bad request: 'A1234567891' is not linked to an external account", 'newDistributions[0].accountId'));

  test('a brokerage account that does not exist', () =>
    rejected(item({ brokerageAccountId: 'NC00000' }), 400, "Bad request: brokerage account 'NC00000' does not exist", 'newDistributions[0].brokerageAccountId'));

  test('an invalid IBAN is 422', () =>
    rejected(item({ accountId: undefined, bankId: 'DEUTDEFF', bankAccountId: 'DE89370400440532013001' }), 422, 'Invalid request semantics: not a valid iban', 'newDistributions[0].bankAccountId'));
});

describe('credentials are isolated', () => {
  test("another credential's brokerage account is reported as not existing", () =>
    rejected(item({ brokerageAccountId: 'NC20001' }), 400, "Bad request: brokerage account 'NC20001' does not exist", 'newDistributions[0].brokerageAccountId'));

  test("another credential's account ID is reported as not valid", () =>
    rejected(item({ accountId: 'A2000000001' }), 400, "Bad request: 'A2000000001' is not a valid account ID", 'newDistributions[0].accountId'));
});

describe('a batch is all-or-nothing and names the failing item', () => {
  test('the third item fails: nothing is created', async () => {
    const good = { brokerageAccountId: 'NC95156', amountCents: 100, accountId: 'A1234567890' };
    await rejected({ newDistributions: [good, good, { ...good, accountId: 'A1234567891' }] }, 400, "Bad request: 'A1234567891' is not linked to an external account", 'newDistributions[2].accountId');
  });

  test('a schema error in the second item names it', async () => {
    const good = { brokerageAccountId: 'NC95156', amountCents: 100, accountId: 'A1234567890' };
    await rejected({ newDistributions: [good, { ...good, amountCents: 1.5 }] }, 400, 'Bad request: newDistributions[1].amountCents must be integer', 'newDistributions[1].amountCents');
  });

  test('a failed batch followed by a good one stores only the good one', async () => {
    await rejected({ newDistributions: [{ brokerageAccountId: 'NC95156', amountCents: 1, accountId: 'A1234567890' }, { brokerageAccountId: 'NC95156', amountCents: 1 }] }, 400, 'Bad request: account ID or banking info required', 'newDistributions[1]');
    const ok = await create(sb, item());
    expect(ok.status).toBe(200);
    expect(await sb.store.count('norcapDistributions')).toBe(1);
  });
});

describe('every other bad input is a clear 400 in the envelope', () => {
  test.each([
    ['missing brokerageAccountId', item({ brokerageAccountId: undefined }), 'Bad request: newDistributions[0].brokerageAccountId is required', 'newDistributions[0].brokerageAccountId'],
    ['missing amountCents', item({ amountCents: undefined }), 'Bad request: newDistributions[0].amountCents is required', 'newDistributions[0].amountCents'],
    ['amount as a string', item({ amountCents: '1234' }), 'Bad request: newDistributions[0].amountCents must be integer', 'newDistributions[0].amountCents'],
    ['a fractional amount', item({ amountCents: 12.5 }), 'Bad request: newDistributions[0].amountCents must be integer', 'newDistributions[0].amountCents'],
    ['a zero amount', item({ amountCents: 0 }), 'Bad request: newDistributions[0].amountCents must be >= 1', 'newDistributions[0].amountCents'],
    ['a negative amount', item({ amountCents: -5 }), 'Bad request: newDistributions[0].amountCents must be >= 1', 'newDistributions[0].amountCents'],
    ['an unknown transactionType', item({ transactionType: 'check' }), 'Bad request: newDistributions[0].transactionType must be one of: ach, wire', 'newDistributions[0].transactionType'],
    ['a numeric accountId', item({ accountId: 1234567890 }), 'Bad request: newDistributions[0].accountId must be string', 'newDistributions[0].accountId'],
    ['an unknown field', item({ note: 'x' }), 'Bad request: newDistributions[0].note is not a recognized field', 'newDistributions[0].note'],
    ['an unknown top-level field', { ...item(), extra: true }, 'Bad request: extra is not a recognized field', 'extra'],
    ['an empty batch', { newDistributions: [] }, 'Bad request: newDistributions must NOT have fewer than 1 items', 'newDistributions'],
    ['no newDistributions', {}, 'Bad request: newDistributions is required', 'newDistributions'],
    ['newDistributions not an array', { newDistributions: {} }, 'Bad request: newDistributions must be array', 'newDistributions'],
    ['a memo too long', item({ transactionMemo: 'm'.repeat(256) }), 'Bad request: newDistributions[0].transactionMemo must NOT have more than 255 characters', 'newDistributions[0].transactionMemo'],
    ['only bankId', item({ accountId: undefined, bankId: '012345678' }), 'Bad request: banking info requires both bankId and bankAccountId', 'newDistributions[0].bankAccountId'],
    ['only bankAccountId', item({ accountId: undefined, bankAccountId: '123456789' }), 'Bad request: banking info requires both bankId and bankAccountId', 'newDistributions[0].bankId'],
  ])('%s', (_name, body, statusDesc, field) => rejected(body, 400, statusDesc, field));

  test('a JSON array body', () => rejected([item()], 400, 'Bad request: request body must be object'));

  test('malformed JSON', async () => {
    const res = await request(sb.app).post(PATH).set('Authorization', SANDBOX_AUTH).set('Content-Type', 'application/json').send('{"newDistributions": [');
    expectContract('norcap', res);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ statusCode: '1400', statusDesc: 'Bad request: request body is not valid JSON' });
  });

  test.each([
    ['text/plain', 'newDistributions'],
    ['application/x-www-form-urlencoded', 'newDistributions=1'],
  ])('content type %s', async (type, payload) => {
    const res = await request(sb.app).post(PATH).set('Authorization', SANDBOX_AUTH).set('Content-Type', type).send(payload);
    expectContract('norcap', res);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ statusCode: '1400', statusDesc: 'Bad request: request body must be application/json' });
  });

  test('no body at all', async () => {
    const res = await request(sb.app).post(PATH).set('Authorization', SANDBOX_AUTH);
    expectContract('norcap', res);
    expect(res.status).toBe(400);
    expect(res.body.statusCode).toBe('1400');
  });

  test('an oversized body', async () => {
    const memo = 'x'.repeat(200);
    const big = { newDistributions: Array.from({ length: 6000 }, () => ({ brokerageAccountId: 'NC95156', amountCents: 1, accountId: 'A1234567890', transactionMemo: memo })) };
    const res = await request(sb.app).post(PATH).set('Authorization', SANDBOX_AUTH).send(big);
    expectContract('norcap', res);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ statusCode: '1400', statusDesc: 'Bad request: request body is too large' });
    expect(await sb.store.count('norcapDistributions')).toBe(0);
  });

  test('more than 500 items', () =>
    rejected({ newDistributions: Array.from({ length: 501 }, () => item().newDistributions[0]) }, 400, 'Bad request: newDistributions must NOT have more than 500 items', 'newDistributions'));

  test('an unknown route and a wrong method answer in the envelope', async () => {
    const unknown = await request(sb.app).get('/v3/custody/nothing').set('Authorization', SANDBOX_AUTH);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ statusCode: '1404', statusDesc: 'Not found: no such route' });
    const wrongMethod = await request(sb.app).delete(PATH).set('Authorization', SANDBOX_AUTH);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.body).toEqual({ statusCode: '1405', statusDesc: 'Method not allowed' });
  });
});
