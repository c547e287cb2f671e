import { beforeAll, describe, expect, test } from '@jest/globals';
import { Ajv } from 'ajv';
import { loadSpec } from '../../src/core/contract/spec.js';
import type { Sandbox } from '../../src/sandbox.js';
import { testSandbox } from '../support/harness.js';
import { MESSAGES } from '../../src/apis/norcap/messages.js';
import { create } from './helpers.js';

// The rules the NorCap reference gives in prose are also in openapi/norcap.yaml as schema, for
// tools: "an account or bank details, not both" as anyOf + not on NewDistribution, the bankId
// shapes as a pattern. The server answers them with its exact messages (the validator leaves
// those keywords to the rules: x-sandbox-enforced-by-rules). This holds the two in agreement.

interface Schema {
  anyOf: object[];
  not: object;
  'x-sandbox-enforced-by-rules': string[];
  properties: { bankId: { pattern: string; 'x-sandbox-enforced-by-rules': string[] } };
}
const newDistribution = (loadSpec('norcap').components as { schemas: { NewDistribution: Schema } }).schemas.NewDistribution;
const ajv = new Ajv({ strict: false });
const accountOrBank = ajv.compile({ anyOf: newDistribution.anyOf, not: newDistribution.not });
const bankIdShape = new RegExp(newDistribution.properties.bankId.pattern);

let sb: Sandbox;
beforeAll(async () => {
  sb = await testSandbox();
});

describe('NorCap rules as schema agree with the server', () => {
  test('the validator leaves exactly these keywords to the rules', () => {
    expect(newDistribution['x-sandbox-enforced-by-rules']).toEqual(['anyOf', 'not']);
    expect(newDistribution.properties.bankId['x-sandbox-enforced-by-rules']).toEqual(['pattern']);
  });

  test.each([
    ['an account', { accountId: 'A1234567890' }, true],
    ['bank details', { bankId: '012345678', bankAccountId: '123456789' }, true],
    ['an account, bank details null', { accountId: 'A1234567890', bankId: null, bankAccountId: null }, true],
    ['bank details, account null', { accountId: null, bankId: '012345678', bankAccountId: '123456789' }, true],
    ['neither', {}, false],
    ['all null', { accountId: null, bankId: null, bankAccountId: null }, false],
    ['both', { accountId: 'A1234567890', bankId: '012345678', bankAccountId: '123456789' }, false],
    ['an account and a bankId', { accountId: 'A1234567890', bankId: '012345678' }, false],
    ['a bankId alone', { bankId: '012345678' }, false],
    ['a bankAccountId alone', { bankAccountId: '123456789' }, false],
  ])('%s', async (_name, fields, accepted) => {
    const item = { brokerageAccountId: 'NC95156', amountCents: 500, ...fields };
    expect(accountOrBank(item)).toBe(accepted);
    const res = await create(sb, { newDistributions: [item] });
    expect(res.status === 200).toBe(accepted);
    if (!accepted) expect(res.body.statusCode).toBe('1400');
  });

  test.each([
    ['012345678', true],
    ['CHASDEFX', true],
    ['CHASDEFX123', true],
    ['chasdefx', true],
    ['01234567', false],
    ['0123456789', false],
    ['CHAS-DEFX', false],
    ['CHASDEF', false],
  ])('bankId %s', async (bankId, shaped) => {
    expect(bankIdShape.test(bankId)).toBe(shaped);
    // An IBAN for a BIC, a US account number for a routing number: only the shape differs.
    const bankAccountId = /^[0-9]/.test(bankId) ? '123456789' : 'DE89370400440532013000';
    const res = await create(sb, { newDistributions: [{ brokerageAccountId: 'NC95156', amountCents: 500, bankId, bankAccountId }] });
    const shapeRefusal = { statusCode: '1400', statusDesc: MESSAGES.invalidBankId(bankId), field: 'newDistributions[0].bankId' };
    if (!shaped) expect([res.status, res.body]).toEqual([400, shapeRefusal]);
    else expect(res.body).not.toEqual(shapeRefusal);
  });
});
