import type { IdFactory } from '../../core/ids.js';
import type { Contact, NewContact } from './types.js';

/**
 * A new contact from one validated item of `POST /v1/contacts`.
 *
 * @example
 * newContact(ids)({ name: 'Ada', email: 'ada@example.com' }).external_reference; // null
 */
export function newContact(ids: IdFactory): (item: NewContact) => Contact {
  return (item) => ({
    object: 'contact',
    livemode: false,
    id: ids.prefixed('cnt'),
    name: item.name,
    email: item.email,
    external_reference: item.external_reference ?? null,
  });
}
