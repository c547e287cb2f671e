import { beforeEach, describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { novaFixtures } from '../../src/apis/nova/fixtures.js';
import { OrganizationIndex } from '../../src/apis/nova/organization-index.js';
import type { Contact, NovaData } from '../../src/apis/nova/types.js';
import { cursorPage } from '../../src/core/pagination.js';
import { createRandom } from '../../src/core/random.js';
import { Store } from '../../src/core/store/store.js';
import type { Sandbox } from '../../src/sandbox.js';
import { testSandbox } from '../support/harness.js';
import { appWithPersistence, CONTACT_1, ControlledPersistence, MULTI_ORG_CLIENT, NovaClient, ORG_1, ORG_2 } from './helpers.js';

// The index is a cache of the store: whatever happened to the store, a page read through it
// must be exactly the page a full scan of the store gives.

const ORGANIZATIONS = [ORG_1, ORG_2] as const;
let counter = 0;

function contact(): Contact {
  counter++;
  return { object: 'contact', livemode: false, id: `cnt_t${counter}`, name: `c${counter}`, email: `c${counter}@example.com`, external_reference: null };
}

/** What a list answered before the index: scan, filter, newest first, then page. */
function scanPage(store: Store<NovaData>, organization: string, limit: number, startingAfter?: string): { ids: string[]; has_more: boolean } {
  const mine = Object.values(store.data.novaContacts)
    .filter((record) => record.organization === organization)
    .map((record) => record.object)
    .reverse();
  const page = cursorPage(mine, (c) => c.id, { limit, starting_after: startingAfter });
  return { ids: page.data.map((c) => c.id), has_more: page.has_more };
}

function indexPage(index: OrganizationIndex, organization: string, limit: number, startingAfter?: string): { ids: string[]; has_more: boolean } {
  const page = index.page('novaContacts', organization, { limit, starting_after: startingAfter });
  return { ids: page.data.map((c) => c.id), has_more: page.has_more };
}

let store: Store<NovaData>;
let index: OrganizationIndex;
beforeEach(async () => {
  const fixtures = novaFixtures(createRandom(1));
  store = await Store.open<NovaData>({ fixtures: () => structuredClone(fixtures) });
  index = new OrganizationIndex(store);
});

async function create(organization: string, count: number): Promise<string[]> {
  const created = Array.from({ length: count }, contact);
  await store.commit((tx) => {
    for (const object of created) tx.put('novaContacts', object.id, { organization, object });
    index.added('novaContacts', organization, created.map((c) => c.id));
  });
  return created.map((c) => c.id);
}

describe('OrganizationIndex', () => {
  test('pages newest first, only the organization’s own, like the scan', async () => {
    const mine = await create(ORG_1, 3);
    await create(ORG_2, 2);

    expect(indexPage(index, ORG_1, 2)).toEqual({ ids: [mine[2], mine[1]], has_more: true });
    expect(indexPage(index, ORG_1, 2, mine[1])).toEqual(scanPage(store, ORG_1, 2, mine[1]));
    expect(indexPage(index, ORG_1, 100)).toEqual(scanPage(store, ORG_1, 100));
  });

  test('another organization’s id, or one the store no longer holds, is no cursor: 404 starting_after', async () => {
    const [theirs] = await create(ORG_2, 1);
    const [gone] = await create(ORG_1, 1);
    await store.commit((tx) => tx.delete('novaContacts', gone as string)); // as a rolled-back commit would

    for (const cursor of [theirs, gone, 'cnt_never']) {
      expect(() => index.page('novaContacts', ORG_1, { limit: 10, starting_after: cursor })).toThrow(expect.objectContaining({ failure: expect.objectContaining({ status: 404, field: 'starting_after' }) }));
    }
    expect(indexPage(index, ORG_1, 100).ids).not.toContain(gone);
  });

  test('after a reset of the store, pages are the store’s again', async () => {
    const before = await create(ORG_1, 2);
    await store.reset();

    expect(indexPage(index, ORG_1, 100)).toEqual(scanPage(store, ORG_1, 100));
    expect(indexPage(index, ORG_1, 100).ids).not.toContain(before[0]);
    const after = await create(ORG_1, 1);
    expect(indexPage(index, ORG_1, 1).ids).toEqual(after);
  });

  test('any history of creates, removals and resets: every page through the index equals the scan', async () => {
    type Step = { kind: 'create'; organization: number; count: number } | { kind: 'remove'; pick: number } | { kind: 'reset' };
    const step: fc.Arbitrary<Step> = fc.oneof(
      { weight: 6, arbitrary: fc.record({ kind: fc.constant('create' as const), organization: fc.integer({ min: 0, max: 1 }), count: fc.integer({ min: 1, max: 4 }) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'reset' as const }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 25 }), fc.integer({ min: 1, max: 5 }), async (steps, limit) => {
        await store.reset();
        index = new OrganizationIndex(store);
        for (const s of steps) {
          if (s.kind === 'create') await create(ORGANIZATIONS[s.organization] as string, s.count);
          else if (s.kind === 'reset') await store.reset();
          else {
            const ids = Object.keys(store.data.novaContacts);
            const id = ids[s.pick % ids.length] as string;
            await store.commit((tx) => tx.delete('novaContacts', id));
          }
        }
        for (const organization of ORGANIZATIONS) {
          let cursor: string | undefined;
          let pages = 0;
          for (;;) {
            const expected = scanPage(store, organization, limit, cursor);
            expect(indexPage(index, organization, limit, cursor)).toEqual(expected);
            if (!expected.has_more || pages++ > 100) break;
            cursor = expected.ids[expected.ids.length - 1];
          }
        }
      }),
      { numRuns: 60, seed: 7 },
    );
  });
});

describe('the lists of the API read through the index', () => {
  test('a create whose disk write failed (500, rolled back) never shows up in a list', async () => {
    const persistence = new ControlledPersistence();
    const harness = await appWithPersistence(persistence);
    const caller = await NovaClient.for(harness);
    const kept = (await caller.post('/v1/contacts', [{ name: 'Kept', email: 'kept@example.com' }])).body.data[0].id as string;

    persistence.failNext = 1;
    const failed = await caller.post('/v1/contacts', [{ name: 'Lost', email: 'lost@example.com' }]);
    const list = await caller.get('/v1/contacts?limit=100');
    const before = await caller.get('/v1/contacts?limit=1');

    expect(failed.status).toBe(500);
    expect((list.body.data as { name: string }[]).map((c) => c.name)).not.toContain('Lost');
    expect(before.body.data[0].id).toBe(kept);
  });

  let sb: Sandbox;
  beforeEach(async () => {
    sb = await testSandbox();
  });

  test('after a control-plane reset, the lists are the fixtures again, and new objects show up first', async () => {
    const client = await NovaClient.for(sb, MULTI_ORG_CLIENT, { organization: ORG_1 });
    const made = (await client.post('/v1/contacts', [{ name: 'Before', email: 'before@example.com' }])).body.data[0].id as string;
    await sb.reset();

    const again = await NovaClient.for(sb, MULTI_ORG_CLIENT, { organization: ORG_1 });
    const afterReset = ((await again.get('/v1/contacts?limit=100')).body.data as { id: string }[]).map((c) => c.id);
    const fresh = (await again.post('/v1/contacts', [{ name: 'After', email: 'after@example.com' }])).body.data[0].id as string;
    const first = await again.get('/v1/contacts?limit=1');

    expect(afterReset).not.toContain(made);
    expect(afterReset).toContain(CONTACT_1);
    expect(first.body).toMatchObject({ data: [{ id: fresh }], has_more: true });
    expect(((await again.get('/v1/contacts?limit=100', { organization: ORG_2 })).body.data as { id: string }[]).map((c) => c.id)).not.toContain(fresh);
  });
});
