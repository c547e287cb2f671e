import { beforeEach, describe, expect, test } from '@jest/globals';
import { TRANSITIONS } from '../../src/apis/norcap/lifecycle.js';
import { loadSpec } from '../../src/core/contract/spec.js';
import type { Sandbox } from '../../src/sandbox.js';
import { testSandbox } from '../support/harness.js';
import { create, get, item, PATH } from '../norcap/helpers.js';
import { control } from './helpers.js';

let sb: Sandbox;
beforeEach(async () => {
  sb = await testSandbox();
});

async function createOne(overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await create(sb, item(overrides));
  expect(res.status).toBe(200);
  return res.body.distributions[0].id as string;
}

function move(id: string, status: unknown): Promise<import('supertest').Response> {
  return control(sb, 'post', `/_sandbox/norcap/distributions/${id}/status`, { status });
}

describe('POST /_sandbox/norcap/distributions/{id}/status', () => {
  test('moves a distribution, stamps updatedAt from the clock and answers it as NorCap shows it', async () => {
    const id = await createOne();
    await sb.advanceClock(90);

    const res = await move(id, 'processing');

    expect(res.status).toBe(200);
    // An accountId distribution without a type takes its linked bank's: A1234567890 banks at routing number 012345678.
    expect(res.body).toMatchObject({ id, status: 'processing', transactionType: 'ach', createdAt: '2024-04-20 12:00:00', updatedAt: '2024-04-20 12:01:30' });
    const read = await get(sb, `${PATH}/${id}`); // checked against the NorCap spec
    expect(read.body.distribution).toEqual(res.body);
  });

  test('entering processing gives a BIC wire, keeps a type already chosen', async () => {
    const bic = await createOne({ accountId: undefined, bankId: 'CHASDEFX123', bankAccountId: 'DE89370400440532013000' });
    const chosen = await createOne({ transactionType: 'wire' });

    expect((await move(bic, 'processing')).body.transactionType).toBe('wire');
    expect((await move(chosen, 'processing')).body.transactionType).toBe('wire');
  });

  test('follows a longer documented path to completion; a final status refuses every move with 409', async () => {
    const id = await createOne();
    for (const status of ['in_review', 'approved', 'scheduled', 'processing', 'completed']) {
      const res = await move(id, status);
      expect(res.status).toBe(200);
      expect(res.body.status).toBe(status);
    }

    const refused = await move(id, 'pending');
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({ type: 'about:blank', title: 'Conflict', status: 409, detail: "cannot move distribution from 'completed' to 'pending' ('completed' is final)" });
    expect((await sb.store.get('norcapDistributions', id))?.distribution.status).toBe('completed');
  });

  test('an impossible move is a 409 naming where it could go, and changes nothing', async () => {
    const id = await createOne();
    const before = structuredClone(await sb.store.get('norcapDistributions', id));

    const res = await move(id, 'completed');

    expect(res.status).toBe(409);
    expect(res.body.detail).toBe("cannot move distribution from 'pending' to 'completed' (from 'pending' it can go to: processing, in_review, on_hold, rejected, terminated)");
    expect(await sb.store.get('norcapDistributions', id)).toEqual(before);
  });

  test('an unknown id is a 404 problem; an unknown status a 400 problem', async () => {
    const id = await createOne();

    const missing = await move('00000000-0000-4000-8000-000000000000', 'processing');
    const unknown = await move(id, 'done');
    const mistyped = await move(id, 3);

    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ type: 'about:blank', title: 'Not Found', status: 404, detail: "distribution '00000000-0000-4000-8000-000000000000' does not exist" });
    expect(unknown.status).toBe(400);
    expect(unknown.body.detail).toBe('status must be one of: pending, processing, on_hold, approved, rejected, scheduled, in_review, completed, terminated, failed, reopened');
    expect(mistyped.status).toBe(400);
    expect((await sb.store.get('norcapDistributions', id))?.distribution.status).toBe('pending');
  });

  test('the transition table is the one openapi/norcap.yaml documents', () => {
    const schema = loadSpec('norcap').components?.schemas?.DistributionStatus as { description: string };
    const text = schema.description.replace(/\s+/g, ' ');
    const documented: Record<string, string[]> = {};
    for (const [, from, to] of text.matchAll(/(\w+) → ([\w |]+?)[;.]/g)) documented[from as string] = (to as string).split('|').map((s) => s.trim());
    const [, a, b] = /`(\w+)` and `(\w+)` are final/.exec(text) ?? [];
    documented[a as string] = [];
    documented[b as string] = [];

    expect(documented).toEqual(TRANSITIONS);
  });
});
