import type { Faker } from '@faker-js/faker';
import type { SandboxData } from '../apis/index.js';
import type { BrokerageAccount, Credential, ExternalAccount } from '../apis/norcap/types.js';
import { newContact } from '../apis/nova/contacts.js';
import { newEntity } from '../apis/nova/entities.js';
import { ENTITY_TYPES, type Client, type Contact, type Entity, type Organization, type Owned, type Vehicle } from '../apis/nova/types.js';
import { norcapState } from '../apis/norcap/fixtures.js';
import { novaState } from '../apis/nova/fixtures.js';
import { IdFactory } from '../core/ids.js';
import { hashSecret } from '../core/secrets.js';

/** How much a new workspace starts with (the README lists it). */
export const WORKSPACE_FIXTURES = {
  brokerageAccounts: 2,
  linkedAccounts: 2,
  unlinkedAccounts: 1,
  /** The workspace's Nova client is granted this many organizations, so `X-Organization-Id` matters. */
  organizations: 2,
  vehiclesPerOrganization: 2,
  entitiesPerOrganization: 3,
  contactsPerOrganization: 2,
} as const;

/** What a workspace's owner needs, without its secrets (`GET /_sandbox/workspace`). */
export interface WorkspaceDescription {
  id: string;
  norcap: { client_id: string; brokerage_accounts: string[]; linked_accounts: string[]; unlinked_accounts: string[] };
  nova: { client_id: string; organizations: { id: string; name: string; vehicles: string[]; entities: string[]; contacts: string[] }[] };
}

/** The secrets of a workspace: shown once, when it is created, and stored only hashed. */
export interface WorkspaceSecrets {
  key: string;
  norcapApiKey: string;
  novaClientSecret: string;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** `ws_` and 16 alphanumerics. */
export const WORKSPACE_ID_PATTERN = /^ws_[A-Za-z0-9]{16}$/;

/** A new workspace id from the (seeded) faker. */
export function newWorkspaceId(random: Faker): string {
  return `ws_${random.string.fromCharacters(ALPHANUMERIC, 16)}`;
}

/** The NorCap client id and Nova client id of a workspace: its id first, so a request's credentials name it. */
export function workspaceClientIds(id: string): { norcap: string; nova: string } {
  return { norcap: `${id}_norcap`, nova: `${id}_nova` };
}

/**
 * A workspace's own starting state, generated as the fixtures are (faker, reproducible under
 * `--seed`): one NorCap credential with brokerage accounts, linked and unlinked accounts; one
 * Nova client granted two organizations, each with vehicles, entities and contacts. Secrets
 * are stored hashed. `reset` of the workspace returns to exactly this state.
 *
 * @example
 * const { data, description } = workspaceFixtures('ws_…', createRandom(1), secrets);
 */
export function workspaceFixtures(id: string, random: Faker, secrets: WorkspaceSecrets): { data: SandboxData; description: WorkspaceDescription } {
  const ids = new IdFactory(random);
  const clientIds = workspaceClientIds(id);
  const n = WORKSPACE_FIXTURES;

  const credential: Credential = { clientId: clientIds.norcap, apiKey: hashSecret(secrets.norcapApiKey), name: `${random.company.name()} integration` };
  const brokerage: BrokerageAccount[] = Array.from({ length: n.brokerageAccounts }, () => ({
    id: `NC${random.string.numeric(5)}`,
    owner: credential.clientId,
    name: `${random.person.fullName()} brokerage account`,
  }));
  const linked: ExternalAccount[] = Array.from({ length: n.linkedAccounts }, () => ({
    id: `A${random.string.numeric(10)}`,
    owner: credential.clientId,
    linked: true,
    bankId: random.string.numeric(9),
    bankAccountId: random.string.numeric({ length: { min: 8, max: 12 } }),
    name: `${random.company.name()} operating account`,
  }));
  const unlinked: ExternalAccount[] = Array.from({ length: n.unlinkedAccounts }, () => ({
    id: `A${random.string.numeric(10)}`,
    owner: credential.clientId,
    linked: false,
    bankId: null,
    bankAccountId: null,
    name: 'Account with no linked external bank account',
  }));

  const organizations: Organization[] = Array.from({ length: n.organizations }, () => ({
    id: `org_${random.string.fromCharacters(ALPHANUMERIC, 16)}`,
    name: random.company.name(),
  }));
  const client: Client = { clientId: clientIds.nova, clientSecret: hashSecret(secrets.novaClientSecret), name: `${random.company.name()} integration`, organizations: organizations.map((o) => o.id) };
  const vehicles: Owned<Vehicle>[] = [];
  const entities: Owned<Entity>[] = [];
  const contacts: Owned<Contact>[] = [];
  const entity = newEntity(ids);
  const contact = newContact(ids);
  const described: WorkspaceDescription['nova']['organizations'] = [];
  for (const organization of organizations) {
    const mine = { id: organization.id, name: organization.name, vehicles: [] as string[], entities: [] as string[], contacts: [] as string[] };
    for (let i = 0; i < n.vehiclesPerOrganization; i++) {
      const vehicle: Vehicle = { object: 'vehicle', livemode: false, id: ids.prefixed('veh'), name: `${random.company.name()} Fund ${i + 1}` };
      vehicles.push({ organization: organization.id, object: vehicle });
      mine.vehicles.push(vehicle.id);
    }
    for (let i = 0; i < n.entitiesPerOrganization; i++) {
      const made = entity({ name: random.company.name(), type: random.helpers.arrayElement(ENTITY_TYPES), external_reference: `investor-${random.string.numeric(4)}` });
      entities.push({ organization: organization.id, object: made });
      mine.entities.push(made.id);
    }
    for (let i = 0; i < n.contactsPerOrganization; i++) {
      const firstName = random.person.firstName();
      const lastName = random.person.lastName();
      const email = random.internet.email({ firstName, lastName, provider: 'example.com' }).toLowerCase();
      const made = contact({ name: `${firstName} ${lastName}`, email });
      contacts.push({ organization: organization.id, object: made });
      mine.contacts.push(made.id);
    }
    described.push(mine);
  }

  const data: SandboxData = {
    ...norcapState({ credentials: [credential], brokerageAccounts: brokerage, accounts: [...linked, ...unlinked] }),
    ...novaState({ organizations, clients: [client], vehicles, entities, contacts }),
  };
  const description: WorkspaceDescription = {
    id,
    norcap: { client_id: credential.clientId, brokerage_accounts: brokerage.map((a) => a.id), linked_accounts: linked.map((a) => a.id), unlinked_accounts: unlinked.map((a) => a.id) },
    nova: { client_id: client.clientId, organizations: described },
  };
  return { data, description };
}
