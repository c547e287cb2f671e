import { beforeAll, describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import type { Sandbox } from '../../src/sandbox.js';
import { checkBankData, defaultTransactionType } from '../../src/apis/norcap/bank-rules.js';
import { testSandbox } from '../support/harness.js';
import { create } from './helpers.js';

const VALID_IBANS = ['DE89370400440532013000', 'GB29NWBK60161331926819', 'FR1420041010050500013M02606', 'NL91ABNA0417164300', 'CH9300762011623852957'];

function bankItem(bankId: string, bankAccountId: string, extra: Record<string, unknown> = {}) {
  return { newDistributions: [{ brokerageAccountId: 'NC95156', amountCents: 500, bankId, bankAccountId, ...extra }] };
}

let sb: Sandbox;
beforeAll(async () => {
  sb = await testSandbox();
});

describe('bank data over HTTP', () => {
  test.each([
    ['a US routing number and account number', '012345678', '123456789', {}],
    ['a BIC-8 and a valid IBAN', 'DEUTDEFF', 'DE89370400440532013000', {}],
    ['a BIC-11 and an IBAN written with spaces', 'CHASDEFX123', 'GB29 NWBK 6016 1331 9268 19', {}],
    ['a BIC and a non-IBAN account (seed example 4)', 'CHASDEFX123', 'ACCT123456789XYZ', {}],
    ['wire to a US routing number', '021000021', '1234', { transactionType: 'wire' }],
  ])('accepts %s', async (_name, bankId, bankAccountId, extra: Record<string, unknown>) => {
    const before = await sb.store.count('norcapDistributions');
    const res = await create(sb, bankItem(bankId, bankAccountId, extra));
    expect(res.status).toBe(200);
    expect(res.body.distributions[0]).toMatchObject({ bankId, bankAccountId, accountId: null });
    expect(await sb.store.count('norcapDistributions')).toBe(before + 1);
  });

  test.each([
    ['an IBAN with a bad checksum', 'DEUTDEFF', 'DE89370400440532013001', 422, 'Invalid request semantics: not a valid iban', 'bankAccountId'],
    ['an IBAN of the wrong length for its country', 'DEUTDEFF', 'DE8937040044053201300', 422, 'Invalid request semantics: not a valid iban', 'bankAccountId'],
    ['an IBAN after a US routing number', '012345678', 'GB29NWBK60161331926818', 422, 'Invalid request semantics: not a valid iban', 'bankAccountId'],
    ['a BIC with an unknown country', 'DEUTXXFF', 'ACCT1', 422, 'Invalid request semantics: not a valid bic', 'bankId'],
    ['letters in a US account number', '012345678', '12AB', 422, 'Invalid request semantics: not a valid bank account number', 'bankAccountId'],
    ['a bankId that is neither', '12345', '123456789', 400, "Bad request: '12345' is not a valid bankId (expected a 9-digit routing number or an 8 or 11 character BIC)", 'bankId'],
  ])('refuses %s', async (_name, bankId, bankAccountId, status, statusDesc, field) => {
    const before = await sb.store.count('norcapDistributions');
    const res = await create(sb, bankItem(bankId, bankAccountId));
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ statusCode: `1${status}`, statusDesc, field: `newDistributions[0].${field}` });
    expect(await sb.store.count('norcapDistributions')).toBe(before);
  });

  test.each([['blank', ' '], ['punctuation', 'ACCT-123/45']])('a %s bankAccountId is a 400 shape error', async (_name, bankAccountId) => {
    const before = await sb.store.count('norcapDistributions');
    const res = await create(sb, bankItem('CHASDEFX123', bankAccountId));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ statusCode: '1400', statusDesc: 'Bad request: newDistributions[0].bankAccountId must match pattern "^[A-Za-z0-9 ]*[A-Za-z0-9][A-Za-z0-9 ]*$"', field: 'newDistributions[0].bankAccountId' });
    expect(await sb.store.count('norcapDistributions')).toBe(before);
  });

  test('ach with a BIC is 422', async () => {
    const res = await create(sb, bankItem('DEUTDEFF', 'DE89370400440532013000', { transactionType: 'ach' }));
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ statusCode: '1422', statusDesc: 'Invalid request semantics: ach requires a US routing number', field: 'newDistributions[0].transactionType' });
  });
});

describe('bank rules, property-based', () => {
  test('every single-character change to a valid IBAN digit is caught', () => {
    fc.assert(
      fc.property(fc.constantFrom(...VALID_IBANS), fc.nat(), fc.integer({ min: 1, max: 9 }), (iban, position, delta) => {
        const digits = [...iban].map((c, i) => (i >= 2 && /\d/.test(c) ? i : -1)).filter((i) => i >= 0);
        const at = digits[position % digits.length] as number;
        const changed = iban.slice(0, at) + String((Number(iban[at]) + delta) % 10) + iban.slice(at + 1);
        expect(checkBankData('DEUTDEFF', changed, null)?.message).toBe('Invalid request semantics: not a valid iban');
      }),
    );
  });

  test('valid IBANs pass however they are spaced', () => {
    fc.assert(
      fc.property(fc.constantFrom(...VALID_IBANS), fc.array(fc.nat(), { maxLength: 6 }), (iban, cuts) => {
        let spaced = iban;
        for (const cut of cuts) {
          const at = cut % spaced.length;
          spaced = `${spaced.slice(0, at)} ${spaced.slice(at)}`;
        }
        expect(checkBankData('DEUTDEFF', spaced.trim(), null)).toBeUndefined();
      }),
    );
  });

  test('any 9-digit routing number with a 4-17 digit account is accepted', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{9}$/), fc.stringMatching(/^\d{4,17}$/), (routing, account) => {
        expect(checkBankData(routing, account, 'ach')).toBeUndefined();
      }),
    );
  });

  test('the default transaction type is ach at home and wire abroad', () => {
    expect(defaultTransactionType('012345678')).toBe('ach');
    expect(defaultTransactionType('CHASDEFX123')).toBe('wire');
  });
});
