import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { readFixtureFile } from '../../src/core/fixtures.js';
import { packagePath } from '../../src/core/paths.js';
import type { SandboxData } from '../../src/apis/index.js';
import type { EmbeddedStore } from '../../src/backends/embedded/embedded-store.js';
import { createSandbox } from '../../src/sandbox.js';
import { T0 } from '../support/harness.js';
import { create, item } from './helpers.js';

describe('NorCap fixtures', () => {
  test('the README values are there, with three generated brokerage and two linked accounts per credential', async () => {
    const sb = await createSandbox({ seed: 3 });
    expect(await sb.store.get('norcapCredentials', 'sandbox')).toMatchObject({ apiKey: 'sandbox_api_key' });
    expect(await sb.store.get('norcapCredentials', 'sandbox_two')).toMatchObject({ apiKey: 'sandbox_two_api_key' });
    expect(await sb.store.get('norcapBrokerageAccounts', 'NC95156')).toMatchObject({ owner: 'sandbox' });
    expect(await sb.store.get('norcapBrokerageAccounts', 'NC20001')).toMatchObject({ owner: 'sandbox_two' });
    expect(await sb.store.get('norcapAccounts', 'A1234567890')).toMatchObject({ owner: 'sandbox', linked: true });
    expect(await sb.store.get('norcapAccounts', 'A1234567891')).toMatchObject({ owner: 'sandbox', linked: false });
    expect(await sb.store.get('norcapAccounts', 'A2000000001')).toMatchObject({ owner: 'sandbox_two', linked: true });
    for (const owner of ['sandbox', 'sandbox_two']) {
      expect((await sb.store.scan('norcapBrokerageAccounts')).filter((a) => a.owner === owner)).toHaveLength(4);
      expect((await sb.store.scan('norcapAccounts')).filter((a) => a.owner === owner && a.linked)).toHaveLength(3);
    }
  });

  test('a generated account works like a fixed one', async () => {
    const sb = await createSandbox({ seed: 3, frozenAt: T0 });
    const generated = (await sb.store.scan('norcapBrokerageAccounts')).find((a) => a.owner === 'sandbox' && a.id !== 'NC95156');
    const res = await create(sb, item({ brokerageAccountId: generated?.id }));
    expect(res.status).toBe(200);
    expect(res.body.distributions[0].brokerageAccountId).toBe(generated?.id);
  });

  test('--seed makes generated accounts and ids reproducible; another seed changes them', async () => {
    const run = async (seed: number) => {
      const sb = await createSandbox({ seed, frozenAt: T0 });
      const res = await create(sb, item());
      return { accounts: Object.keys((sb.store as EmbeddedStore<SandboxData>).data.norcapBrokerageAccounts), ids: [res.body.distributions[0].id, res.body.distributions[0].submissionId] };
    };
    const first = await run(11);
    expect(await run(11)).toEqual(first);
    expect(await run(12)).not.toEqual(first);
  });

  test('the README lists every fixed credential and account of fixtures/norcap.json', () => {
    const readme = readFileSync(packagePath('README.md'), 'utf8');
    const file = readFixtureFile<{ credentials: { clientId: string; apiKey: string }[]; brokerageAccounts: { id: string }[]; accounts: { id: string }[] }>('norcap');
    const named = [...file.credentials.flatMap((c) => [c.clientId, c.apiKey]), ...file.brokerageAccounts.map((a) => a.id), ...file.accounts.map((a) => a.id)];
    expect(named.filter((value) => !readme.includes(`\`${value}\``))).toEqual([]);
  });
});
