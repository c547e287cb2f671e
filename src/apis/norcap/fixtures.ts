import type { Faker } from '@faker-js/faker';
import { byKey, readFixtureFile } from '../../core/fixtures.js';
import type { BrokerageAccount, Credential, ExternalAccount, NorcapData } from './types.js';

interface NorcapFixtureFile {
  credentials: Credential[];
  brokerageAccounts: BrokerageAccount[];
  accounts: ExternalAccount[];
  generated: { brokerageAccountsPerCredential: number; linkedAccountsPerCredential: number };
}

/**
 * NorCap's starting state: the fixed records of `fixtures/norcap.json` (the README lists them;
 * users and tests rely on them) plus a few faker-made accounts per credential, reproducible
 * under `--seed`.
 */
export function norcapFixtures(random: Faker): NorcapData {
  const file = readFixtureFile<NorcapFixtureFile>('norcap');
  const brokerageAccounts = [...file.brokerageAccounts];
  const accounts = [...file.accounts];
  const taken = new Set([...brokerageAccounts, ...accounts].map((a) => a.id));
  const unique = (make: () => string): string => {
    let id = make();
    while (taken.has(id)) id = make();
    taken.add(id);
    return id;
  };
  for (const { clientId } of file.credentials) {
    for (let i = 0; i < file.generated.brokerageAccountsPerCredential; i++) {
      brokerageAccounts.push({ id: unique(() => `NC${random.string.numeric(5)}`), owner: clientId, name: `${random.person.fullName()} brokerage account` });
    }
    for (let i = 0; i < file.generated.linkedAccountsPerCredential; i++) {
      accounts.push({
        id: unique(() => `A${random.string.numeric(10)}`),
        owner: clientId,
        linked: true,
        bankId: random.string.numeric(9),
        bankAccountId: random.string.numeric({ length: { min: 8, max: 12 } }),
        name: `${random.company.name()} operating account`,
      });
    }
  }
  return norcapState({ credentials: file.credentials, brokerageAccounts, accounts });
}

/** NorCap's collections holding these records and no distribution yet (fixtures of every workspace). */
export function norcapState(records: { credentials: Credential[]; brokerageAccounts: BrokerageAccount[]; accounts: ExternalAccount[] }): NorcapData {
  return {
    norcapCredentials: byKey(records.credentials, 'clientId'),
    norcapBrokerageAccounts: byKey(records.brokerageAccounts, 'id'),
    norcapAccounts: byKey(records.accounts, 'id'),
    norcapDistributions: {},
  };
}
