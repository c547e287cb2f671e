import { describe, expect, test } from '@jest/globals';
import { ResponseContract } from '../../src/core/contract/responses.js';

// The harness's spec check is what makes every other test a contract test; prove it bites.
describe('ResponseContract', () => {
  const contract = ResponseContract.for('norcap');
  const distribution = {
    id: '550e8400-e29b-41d4-a716-446655440000',
    submissionId: '550e8400-e29b-41d4-a716-446655440001',
    brokerageAccountId: 'NC95156',
    amountCents: 1234,
    status: 'pending',
    accountId: 'A1234567890',
    bankId: null,
    bankAccountId: null,
    transactionType: null,
    transactionMemo: null,
    createdAt: '2023-05-01 14:30:00',
    updatedAt: '2023-05-01 14:30:00',
  };

  test('accepts a documented body', () => {
    expect(contract.check('POST', '/v3/custody/distributions', 200, { statusCode: '101', statusDesc: 'Ok', distributions: [distribution] })).toEqual({ ok: true, problems: [] });
  });

  test.each([
    ['a missing field', { ...distribution, transactionMemo: undefined }],
    ['an ISO timestamp', { ...distribution, createdAt: '2023-05-01T14:30:00Z' }],
    ['an undocumented field', { ...distribution, extra: 1 }],
    ['an unknown status', { ...distribution, status: 'done' }],
  ])('rejects %s', (_name, drifted) => {
    const check = contract.check('POST', '/v3/custody/distributions', 200, { statusCode: '101', statusDesc: 'Ok', distributions: [drifted] });
    expect(check.ok).toBe(false);
    expect(check.problems.length).toBeGreaterThan(0);
  });

  test('rejects an undocumented status and an undocumented operation', () => {
    expect(contract.check('POST', '/v3/custody/distributions', 201, {}).problems).toEqual(['createDistributions does not document status 201']);
    expect(contract.check('DELETE', '/v3/custody/distributions', 200, {}).ok).toBe(false);
  });

  test('checks a named schema for answers no operation documents', () => {
    const nova = ResponseContract.for('nova');
    expect(nova.checkSchema('Error', { error: { code: 'route_not_found', message: 'no such route' } })).toEqual({ ok: true, problems: [] });
    expect(nova.checkSchema('Error', { message: 'no such route' }).ok).toBe(false);
  });
});
