import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { readFixtureFile } from '../core/fixtures.js';
import type { Role, Roles, VerifyApi } from './types.js';

/**
 * The target's own fixture values, credentials, volatile fields and rate limit (YAML or JSON).
 * Without one the target is taken to be another sandbox: the README's fixtures.
 */
export interface Profile {
  roles?: Roles;
  credentials?: { clientId?: string; apiKey?: string; clientSecret?: string };
  auth?: { tokenUrl?: string; method?: 'basic' | 'form' };
  /** Field names or JSON pointers (`*` for any one segment) never compared. */
  ignore?: string[];
  rateLimit?: { requestsPerSecond?: number };
}

const PROFILE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    roles: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(['brokerageAccount', 'linkedAccount', 'unlinkedAccount', 'organization', 'vehicle', 'entity', 'contact'].map((r) => [r, { type: 'string', minLength: 1 }])),
    },
    credentials: { type: 'object', additionalProperties: false, properties: { clientId: { type: 'string' }, apiKey: { type: 'string' }, clientSecret: { type: 'string' } } },
    auth: { type: 'object', additionalProperties: false, properties: { tokenUrl: { type: 'string' }, method: { enum: ['basic', 'form'] } } },
    ignore: { type: 'array', items: { type: 'string' } },
    rateLimit: { type: 'object', additionalProperties: false, properties: { requestsPerSecond: { type: 'number', exclusiveMinimum: 0 } } },
  },
};

const validateProfile = new Ajv({ allErrors: true }).compile<Profile>(PROFILE_SCHEMA);

export async function readProfile(file: string): Promise<Profile> {
  let data: unknown;
  try {
    data = parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`profile ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (!validateProfile(data)) {
    const problems = (validateProfile.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
    throw new Error(`profile ${file}: ${problems.join('; ')}`);
  }
  return data;
}

interface NorcapFixtureFile {
  credentials: { clientId: string; apiKey: string }[];
  brokerageAccounts: { id: string; owner: string }[];
  accounts: { id: string; owner: string; linked: boolean }[];
}
interface NovaFixtureFile {
  organizations: { id: string }[];
  clients: { clientId: string; clientSecret: string; organizations: string[] }[];
  vehicles: { organization: string; id: string }[];
  entities: { organization: string; id: string }[];
  contacts: { organization: string; id: string }[];
}

export interface SideFixtures {
  roles: Required<Roles>;
  credentials: { clientId: string; secret: string };
}

/** The README's fixtures (read from `fixtures/`): the first credential's or client's. */
export function sandboxFixtures(api: VerifyApi): SideFixtures {
  if (api === 'norcap') {
    const f = readFixtureFile<NorcapFixtureFile>('norcap');
    const cred = f.credentials[0] as { clientId: string; apiKey: string };
    const own = <T extends { owner: string }>(list: T[]) => list.filter((r) => r.owner === cred.clientId);
    return {
      credentials: { clientId: cred.clientId, secret: cred.apiKey },
      roles: {
        brokerageAccount: own(f.brokerageAccounts)[0]?.id ?? '',
        linkedAccount: own(f.accounts).find((a) => a.linked)?.id ?? '',
        unlinkedAccount: own(f.accounts).find((a) => !a.linked)?.id ?? '',
        organization: '',
        vehicle: '',
        entity: '',
        contact: '',
      },
    };
  }
  const f = readFixtureFile<NovaFixtureFile>('nova');
  const client = f.clients[0] as NovaFixtureFile['clients'][number];
  const org = client.organizations[0] ?? '';
  const inOrg = (list: { organization: string; id: string }[]) => list.find((r) => r.organization === org)?.id ?? '';
  return {
    credentials: { clientId: client.clientId, secret: client.clientSecret },
    roles: { brokerageAccount: '', linkedAccount: '', unlinkedAccount: '', organization: org, vehicle: inOrg(f.vehicles), entity: inOrg(f.entities), contact: inOrg(f.contacts) },
  };
}

/**
 * The target's fixtures: the profile's roles and credentials, else the environment's
 * credentials (`NORCAP_CLIENT_ID`/`NORCAP_API_KEY`, `NOVA_CLIENT_ID`/`NOVA_CLIENT_SECRET`), else,
 * without a profile, the README's. A profile names its roles: none is borrowed from the README.
 */
export function targetFixtures(api: VerifyApi, profile: Profile | undefined, env: NodeJS.ProcessEnv): { roles: Roles; credentials: { clientId: string; secret: string } | undefined } {
  const defaults = sandboxFixtures(api);
  const prefix = api === 'norcap' ? 'NORCAP' : 'NOVA';
  const secretVar = api === 'norcap' ? 'NORCAP_API_KEY' : 'NOVA_CLIENT_SECRET';
  const fromProfile = profile?.credentials;
  const clientId = fromProfile?.clientId ?? env[`${prefix}_CLIENT_ID`];
  const secret = (api === 'norcap' ? fromProfile?.apiKey : fromProfile?.clientSecret) ?? env[secretVar];
  const credentials = clientId && secret ? { clientId, secret } : profile ? undefined : defaults.credentials;
  return { roles: profile ? (profile.roles ?? {}) : defaults.roles, credentials };
}

/** The roles these cases need that `roles` lacks. */
export function missingRoles(needed: Iterable<Role>, roles: Roles): Role[] {
  return [...new Set(needed)].filter((role) => !roles[role]);
}
