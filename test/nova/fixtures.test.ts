import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { novaFixtures } from '../../src/apis/nova/fixtures.js';
import { readFixtureFile } from '../../src/core/fixtures.js';
import { packagePath } from '../../src/core/paths.js';
import { createRandom } from '../../src/core/random.js';
import { testSandbox } from '../support/harness.js';
import { CONTACT_1, CONTACT_2, ENTITY_1, ENTITY_1_PMI, ENTITY_2, MULTI_ORG_CLIENT, NovaClient, ORG_1, ORG_2, VEHICLE_1, VEHICLE_2 } from './helpers.js';

describe('Nova fixtures', () => {
  test('the fixed records users and the README rely on', () => {
    const data = novaFixtures(createRandom(1));

    expect(data.novaOrganizations).toEqual({ [ORG_1]: { id: ORG_1, name: 'XYZ Capital Partners' }, [ORG_2]: { id: ORG_2, name: 'Zephyr Ventures' } });
    expect(data.novaClients.sandbox_client).toMatchObject({ clientSecret: 'sandbox_secret', organizations: [ORG_1] });
    expect(data.novaClients.multi_org_client).toMatchObject({ clientSecret: 'multi_org_secret', organizations: [ORG_1, ORG_2] });
    expect(data.novaVehicles[VEHICLE_1]?.organization).toBe(ORG_1);
    expect(data.novaVehicles[VEHICLE_2]?.organization).toBe(ORG_2);
    expect(data.novaEntities[ENTITY_1]).toEqual({ organization: ORG_1, object: expect.objectContaining({ id: ENTITY_1, payment_instructions: [ENTITY_1_PMI] }) });
    expect(data.novaEntities[ENTITY_2]?.organization).toBe(ORG_2);
    expect(data.novaEntities.ent_BvbialoUpyYaFwdX5ubt9m5t6ouS?.organization).toBe(ORG_2);
    expect(data.novaContacts[CONTACT_1]?.organization).toBe(ORG_1);
    expect(data.novaContacts[CONTACT_2]?.organization).toBe(ORG_2);
    expect(data.novaContacts.cnt_CCc0dB2pYWDInm8sURo2jMrFyRrP?.organization).toBe(ORG_2);
  });

  test('three generated entities and contacts per organization, the same under the same seed', () => {
    const one = novaFixtures(createRandom(1));
    const again = novaFixtures(createRandom(1));
    const other = novaFixtures(createRandom(2));
    const perOrg = (records: Record<string, { organization: string }>) => Object.values(records).reduce<Record<string, number>>((n, r) => ({ ...n, [r.organization]: (n[r.organization] ?? 0) + 1 }), {});

    expect(again).toEqual(one);
    expect(Object.keys(other.novaEntities)).not.toEqual(Object.keys(one.novaEntities));
    expect(perOrg(one.novaEntities)).toEqual({ [ORG_1]: 1 + 3, [ORG_2]: 2 + 3 });
    expect(perOrg(one.novaContacts)).toEqual({ [ORG_1]: 1 + 3, [ORG_2]: 2 + 3 });
  });

  test('every fixture reads back through the API as the spec describes it', async () => {
    const sb = await testSandbox();
    const client = await NovaClient.for(sb, MULTI_ORG_CLIENT);

    for (const organization of [ORG_1, ORG_2]) {
      for (const path of ['/v1/entities', '/v1/contacts', '/v1/vehicles']) {
        const res = await client.get(`${path}?limit=100`, { organization }); // checked against the spec
        expect(res.status).toBe(200);
        expect(res.body.data.length).toBeGreaterThan(0);
      }
    }
  });

  test('the README lists every fixed record of fixtures/nova.json, and every client with its secret', () => {
    const readme = readFileSync(packagePath('README.md'), 'utf8');
    const start = readme.indexOf('\n## Nova API\n');
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
    type Fixed = { id: string };
    const file = readFixtureFile<{ organizations: Fixed[]; vehicles: Fixed[]; entities: Fixed[]; contacts: Fixed[]; clients: { clientId: string; clientSecret: string }[] }>('nova');
    const ids = [...file.organizations, ...file.vehicles, ...file.entities, ...file.contacts].map((record) => record.id);

    expect(ids.length).toBeGreaterThanOrEqual(10);
    for (const id of ids) expect(section).toContain(`\`${id}\``);
    for (const client of file.clients) expect(section).toContain(`\`${client.clientId}\` / \`${client.clientSecret}\``);
  });
});
