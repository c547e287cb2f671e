import type { Faker } from '@faker-js/faker';
import { byKey, readFixtureFile } from '../../core/fixtures.js';
import { IdFactory } from '../../core/ids.js';
import { newContact } from './contacts.js';
import { newEntity } from './entities.js';
import { ENTITY_TYPES, type Client, type Contact, type Entity, type NovaData, type Organization, type Owned, type Vehicle } from './types.js';

type FixtureOf<T> = Omit<T, 'object' | 'livemode'> & { organization: string };

interface NovaFixtureFile {
  organizations: Organization[];
  clients: Client[];
  vehicles: FixtureOf<Vehicle>[];
  entities: FixtureOf<Entity>[];
  contacts: FixtureOf<Contact>[];
  generated: { entitiesPerOrganization: number; contactsPerOrganization: number };
}

/**
 * Nova's starting state: the fixed records of `fixtures/nova.json` (the README lists them;
 * users and tests rely on them) plus a few faker-made entities and contacts per organization,
 * reproducible under `--seed`.
 */
export function novaFixtures(random: Faker): NovaData {
  const file = readFixtureFile<NovaFixtureFile>('nova');
  const ids = new IdFactory(random);
  const vehicles = file.vehicles.map(({ organization, ...v }) => owned(organization, { object: 'vehicle' as const, livemode: false as const, ...v }));
  const entities = file.entities.map(({ organization, ...e }) => owned(organization, { object: 'entity' as const, livemode: false as const, ...e }));
  const contacts = file.contacts.map(({ organization, ...c }) => owned(organization, { object: 'contact' as const, livemode: false as const, ...c }));

  // Generated records are made as a create would make them, from the seeded faker.
  const entity = newEntity(ids);
  const contact = newContact(ids);
  for (const { id: organization } of file.organizations) {
    for (let i = 0; i < file.generated.entitiesPerOrganization; i++) {
      const item = { name: random.company.name(), type: random.helpers.arrayElement(ENTITY_TYPES), external_reference: `investor-${random.string.numeric(4)}` };
      entities.push(owned(organization, entity(item)));
    }
    for (let i = 0; i < file.generated.contactsPerOrganization; i++) {
      const firstName = random.person.firstName();
      const lastName = random.person.lastName();
      const email = random.internet.email({ firstName, lastName, provider: 'example.com' }).toLowerCase();
      contacts.push(owned(organization, contact({ name: `${firstName} ${lastName}`, email })));
    }
  }

  return novaState({ organizations: file.organizations, clients: file.clients, vehicles, entities, contacts });
}

/**
 * Nova's collections holding these records and nothing created yet: the starting state of the
 * default workspace's fixtures and of every workspace's (`src/workspaces/fixtures.ts`).
 */
export function novaState(records: { organizations: Organization[]; clients: Client[]; vehicles: Owned<Vehicle>[]; entities: Owned<Entity>[]; contacts: Owned<Contact>[] }): NovaData {
  return {
    novaOrganizations: byKey(records.organizations, 'id'),
    novaClients: byKey(records.clients, 'clientId'),
    novaTokens: {},
    novaVehicles: byObjectId(records.vehicles),
    novaEntities: byObjectId(records.entities),
    novaContacts: byObjectId(records.contacts),
    novaDistributions: {},
    novaPayments: {},
    novaIdempotencyKeys: {},
  };
}

function owned<T>(organization: string, object: T): Owned<T> {
  return { organization, object };
}

function byObjectId<T extends { id: string }>(records: Owned<T>[]): Record<string, Owned<T>> {
  return Object.fromEntries(records.map((record) => [record.object.id, record]));
}
