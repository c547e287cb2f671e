import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Agent } from 'node:http';
import type { Sandbox } from '../../src/sandbox.js';
import { httpJson, type HttpResult } from '../platform/child-server.js';
import { PATH, SANDBOX_AUTH, SECOND_AUTH } from '../norcap/helpers.js';
import { tokenFor } from '../nova/helpers.js';
import { testSandbox } from '../support/harness.js';

// Many clients at once, over real sockets: exactly-once per Idempotency-Key, and for NorCap's
// all-or-nothing batches, the stored count is exactly what was acknowledged.

let sb: Sandbox;
let url: string;
let token: string;
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
beforeAll(async () => {
  sb = await testSandbox();
  url = await sb.start(0);
  token = await tokenFor(sb);
});
afterAll(async () => {
  agent.destroy();
  await sb.stop();
});

function createContacts(key: string, body: unknown): Promise<HttpResult> {
  return httpJson('POST', `${url}/v1/contacts`, { agent, body, headers: { Authorization: `Bearer ${token}`, 'Idempotency-Key': key } });
}

/** How many NorCap distributions a credential sees, read through its own list endpoint. */
async function norcapTotal(auth: string): Promise<number> {
  const res = await httpJson('GET', `${url}${PATH}?limit=1`, { agent, headers: { Authorization: auth } });
  expect(res.status).toBe(200);
  return (res.body as { pagination: { totalRecords: number } }).pagination.totalRecords;
}

describe('50 parallel Nova creates with one Idempotency-Key', () => {
  test('the same body: exactly one created; every other answer is its replay or 409 conflict', async () => {
    const before = await sb.store.count('novaContacts');
    const body = [{ name: 'Ada Lovelace', email: 'ada@example.com' }];
    const answers = await Promise.all(Array.from({ length: 50 }, () => createContacts('same-body', body)));

    const fresh = answers.filter((a) => a.status === 201 && a.headers['idempotent-replayed'] === undefined);
    const replays = answers.filter((a) => a.status === 201 && a.headers['idempotent-replayed'] === 'true');
    const conflicts = answers.filter((a) => a.status === 409);
    expect(fresh).toHaveLength(1);
    expect(replays.length + conflicts.length).toBe(49);
    for (const r of replays) expect(r.body).toEqual(fresh[0]?.body);
    for (const c of conflicts) expect((c.body as { error: { code: string } }).error.code).toBe('conflict');
    expect(await sb.store.count('novaContacts')).toBe(before + 1);
  });

  test('50 different bodies: exactly one created; every other is 409 (mismatch, or conflict while the first runs)', async () => {
    const before = await sb.store.count('novaContacts');
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => createContacts('different-bodies', [{ name: `Contact ${i}`, email: `c${i}@example.com` }])));

    const created = answers.filter((a) => a.status === 201);
    const refused = answers.filter((a) => a.status === 409);
    expect(created).toHaveLength(1);
    expect(refused).toHaveLength(49);
    for (const r of refused) expect(['idempotency_mismatch', 'conflict']).toContain((r.body as { error: { code: string } }).error.code);
    expect(created[0]?.headers['idempotent-replayed']).toBeUndefined();
    expect(await sb.store.count('novaContacts')).toBe(before + 1);
  });
});

describe('hundreds of parallel NorCap batches, valid and invalid, both credentials', () => {
  test('stored counts equal exactly what was acknowledged, per credential', async () => {
    const auths = [SANDBOX_AUTH, SECOND_AUTH];
    const accounts: Record<string, { brokerageAccountId: string; accountId: string }> = {
      [SANDBOX_AUTH]: { brokerageAccountId: 'NC95156', accountId: 'A1234567890' },
      [SECOND_AUTH]: { brokerageAccountId: 'NC20001', accountId: 'A2000000001' },
    };
    const before = await Promise.all(auths.map(norcapTotal));
    const batches = Array.from({ length: 300 }, (_, i) => {
      const auth = auths[i % 2] as string;
      const size = 1 + (i % 4);
      const items = Array.from({ length: size }, (_, j) => ({ ...accounts[auth], amountCents: 100 + j }));
      // Every third batch has one bad item (another credential's account, a negative amount, an unknown field): all-or-nothing.
      if (i % 3 === 0) items[size - 1] = [{ ...accounts[auths[(i + 1) % 2] as string], amountCents: 1 }, { ...accounts[auth], amountCents: -5 }, { ...accounts[auth], amountCents: 5, extra: true }][i % 9 === 0 ? 0 : i % 9 === 3 ? 1 : 2] as (typeof items)[number];
      return { auth, items };
    });
    const answers = await Promise.all(batches.map(({ auth, items }) => httpJson('POST', `${url}${PATH}`, { agent, body: { newDistributions: items }, headers: { Authorization: auth } })));

    const acknowledged: [number, number] = [0, 0];
    answers.forEach((answer, i) => {
      const batch = batches[i] as (typeof batches)[number];
      if (i % 3 === 0) expect(answer.status).toBe(400);
      else expect(answer.status).toBe(200);
      if (answer.status === 200) acknowledged[batch.auth === SANDBOX_AUTH ? 0 : 1] += batch.items.length;
    });
    expect(acknowledged[0]).toBeGreaterThan(0);
    expect(await Promise.all(auths.map(norcapTotal))).toEqual([(before[0] as number) + acknowledged[0], (before[1] as number) + acknowledged[1]]);
  });
});
