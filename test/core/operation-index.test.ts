import { expect, test } from '@jest/globals';
import { OperationIndex } from '../../src/core/contract/operations.js';

// What the read-ahead reads from the spec rather than restating it: the query defaults a list
// is forecast with, and which operations take an Idempotency-Key (whose claim it takes ahead).

const nova = OperationIndex.for('nova');
const norcap = OperationIndex.for('norcap');
const op = (index: OperationIndex, method: string, path: string) => {
  const found = index.match(method, path);
  if (!found) throw new Error(`no operation for ${method} ${path}`);
  return found;
};

test('the operations that document Idempotency-Key are Nova\'s three creates, found through the parameter\'s $ref and in any case', () => {
  const keyed = nova.operations.filter((operation) => nova.documentsHeader(operation, 'Idempotency-Key')).map((operation) => operation.operationId);
  expect(keyed.sort()).toEqual(['createContacts', 'createDistributions', 'createEntities']);
  expect(nova.documentsHeader(op(nova, 'POST', '/v1/contacts'), 'idempotency-key')).toBe(true);
  expect(nova.documentsHeader(op(nova, 'GET', '/v1/contacts'), 'Idempotency-Key')).toBe(false);
  expect(norcap.operations.some((operation) => norcap.documentsHeader(operation, 'Idempotency-Key'))).toBe(false);
});

test('a query default is the spec\'s (through a $ref too); a header of that name, or an unknown parameter, has none', () => {
  expect(norcap.queryDefault(op(norcap, 'GET', '/v3/custody/distributions'), 'limit')).toBe(10);
  expect(norcap.queryDefault(op(norcap, 'GET', '/v3/custody/distributions'), 'offset')).toBe(0);
  expect(nova.queryDefault(op(nova, 'GET', '/v1/contacts'), 'limit')).toBe(10); // a $ref to components.parameters
  expect(nova.queryDefault(op(nova, 'GET', '/v1/contacts'), 'nothing')).toBeUndefined();
  expect(nova.queryDefault(op(nova, 'POST', '/v1/contacts'), 'Idempotency-Key')).toBeUndefined();
});
