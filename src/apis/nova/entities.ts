import type { IdFactory } from '../../core/ids.js';
import type { Entity, NewEntity } from './types.js';

/**
 * A new entity from one validated item of `POST /v1/entities`. Each gets one payment
 * instruction of its own: payments to the entity go to its first one.
 *
 * @example
 * newEntity(ids)({ name: 'Acme LLC', type: 'llc' }).payment_instructions; // ['pmi_…']
 */
export function newEntity(ids: IdFactory): (item: NewEntity) => Entity {
  return (item) => ({
    object: 'entity',
    livemode: false,
    id: ids.prefixed('ent'),
    name: item.name,
    type: item.type,
    external_reference: item.external_reference ?? null,
    payment_instructions: [ids.prefixed('pmi')],
    external_type: item.external_type ?? null,
  });
}
