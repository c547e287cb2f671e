import { describe, expect, test } from '@jest/globals';
import { compareAnswers } from '../../src/verify/compare.js';
import { resolvedSpec } from '../../src/verify/spec-schemas.js';
import type { HttpAnswer } from '../../src/verify/types.js';

const answer = (status: number, body: unknown): HttpAnswer => ({ status, headers: { 'content-type': 'application/json' }, mediaType: 'application/json', text: JSON.stringify(body), body });
const getEntity = resolvedSpec('nova').operation('getEntity');
const createNorcap = resolvedSpec('norcap').operation('createDistributions');
const entity = { object: 'entity', livemode: false, id: 'ent_a', name: 'A', type: 'llc', external_reference: null, payment_instructions: ['pmi_a'], external_type: null };

describe('compareAnswers: the layers', () => {
  test("the data's own values are not compared: ids, names, a wider enum, null against a value where nullable", () => {
    const other = { ...entity, id: 'ent_b', name: 'B', type: 'trust', external_reference: 'x', payment_instructions: ['pmi_b', 'pmi_c'] };
    expect(compareAnswers({ operation: getEntity, target: { answer: answer(200, entity), requestBody: undefined, roles: {} }, mock: { answer: answer(200, other), requestBody: undefined, roles: {} } })).toEqual([]);
  });

  test('a documented constant is compared; a value both sides break is class both', () => {
    const found = compareAnswers({ operation: getEntity, target: { answer: answer(200, { ...entity, object: 'thing' }), requestBody: undefined, roles: {} }, mock: { answer: answer(200, { ...entity, object: 'other' }), requestBody: undefined, roles: {} } });
    expect(found).toEqual([{ kind: 'value', pointer: '/object', class: 'both', target: 'thing', mock: 'other', message: 'the contract fixes this value; the sides differ' }]);
  });

  test("error messages are compared with each side's role values read as the same", () => {
    const error = (account: string) => answer(400, { statusCode: '1400', statusDesc: `Bad request: '${account}' is not linked to an external account`, field: 'newDistributions[0].accountId' });
    const same = compareAnswers({ operation: createNorcap, target: { answer: error('A9'), requestBody: undefined, roles: { unlinkedAccount: 'A9' } }, mock: { answer: error('A1234567891'), requestBody: undefined, roles: { unlinkedAccount: 'A1234567891' } } });
    expect(same).toEqual([]);
    const differs = compareAnswers({ operation: createNorcap, target: { answer: error('A9'), requestBody: undefined, roles: {} }, mock: { answer: error('A1234567891'), requestBody: undefined, roles: {} } });
    // The mock's message is the spec's own example (notLinked) word for word, the target's is not: spec drift.
    expect(differs.map((d) => [d.kind, d.pointer, d.class])).toEqual([['value', '/statusDesc', 'spec']]);
    const undocumented = compareAnswers({ operation: createNorcap, target: { answer: error('A8'), requestBody: undefined, roles: {} }, mock: { answer: error('A9'), requestBody: undefined, roles: {} } });
    expect(undocumented.map((d) => [d.kind, d.pointer, d.class])).toEqual([['value', '/statusDesc', 'mock']]);
  });

  test('what a create echoes from its request is compared; ignored fields are not', () => {
    const item = { id: '550e8400-e29b-41d4-a716-446655440000', submissionId: '550e8400-e29b-41d4-a716-446655440001', brokerageAccountId: 'NC1', amountCents: 1234, status: 'pending', accountId: 'A1', bankId: null, bankAccountId: null, transactionType: null, transactionMemo: 'tag', createdAt: '2024-04-20 12:00:00', updatedAt: '2024-04-20 12:00:00' };
    const request = { newDistributions: [{ brokerageAccountId: 'NC1', amountCents: 1234, accountId: 'A1', transactionMemo: 'tag' }] };
    const ok = (body: unknown) => answer(200, { statusCode: '101', statusDesc: 'Ok', distributions: [body] });
    const input = { operation: createNorcap, target: { answer: ok({ ...item, amountCents: 999 }), requestBody: request, roles: {} }, mock: { answer: ok(item), requestBody: request, roles: {} } };
    expect(compareAnswers(input).map((d) => [d.kind, d.pointer, d.target, d.mock])).toEqual([['value', '/distributions/0/amountCents', 999, 1234]]);
    expect(compareAnswers({ ...input, ignore: ['/distributions/*/amountCents'] })).toEqual([]);
    expect(compareAnswers({ ...input, ignore: ['amountCents'] })).toEqual([]);
  });
});
