import { expect, test } from '@jest/globals';
import { distributionReferences } from '../../src/apis/nova/create-distributions.js';

// The references a batch names, read by the handler from its validated body and by the
// idempotency claim from the body before validation (src/apis/nova/create-distributions.ts).

test('each item\'s vehicle, then each payment\'s entity and notified contacts, in order', () => {
  const body = [
    { vehicle: 'veh_1', payments: [{ entity: 'ent_1', notifications: [{ contact: 'cnt_1' }, { contact: 'cnt_2' }] }, { entity: 'ent_2' }] },
    { vehicle: 'veh_2', payments: [] },
  ];
  expect(distributionReferences(body)).toEqual([
    { collection: 'novaVehicles', id: 'veh_1' },
    { collection: 'novaEntities', id: 'ent_1' },
    { collection: 'novaContacts', id: 'cnt_1' },
    { collection: 'novaContacts', id: 'cnt_2' },
    { collection: 'novaEntities', id: 'ent_2' },
    { collection: 'novaVehicles', id: 'veh_2' },
  ]);
});

test('a body not of that shape adds nothing, and never throws', () => {
  for (const body of [undefined, null, 'x', 7, {}, [null], [{ vehicle: 7, payments: 'x' }], [{ payments: [null, { entity: {} , notifications: [7] }] }]]) {
    expect(distributionReferences(body)).toEqual([]);
  }
});

test('a body naming more than 1,000 references is not looked ahead at all, however they nest', () => {
  const oneItem = [{ vehicle: 'veh_1', payments: Array.from({ length: 1000 }, (_, i) => ({ entity: `ent_${i}` })) }];
  expect(distributionReferences(oneItem)).toEqual([]);
  const justUnder = [{ vehicle: 'veh_1', payments: Array.from({ length: 999 }, (_, i) => ({ entity: `ent_${i}` })) }];
  expect(distributionReferences(justUnder)).toHaveLength(1000);
});
