import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Agent, request as httpRequest } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_TOKENS_PER_CLIENT } from '../../src/apis/nova/tokens.js';
import type { Sandbox } from '../../src/sandbox.js';
import type { CreatedWorkspace } from '../../src/workspaces/routes.js';
import { TEST_STORE, testSandbox } from '../support/harness.js';

/**
 * Every bound that grows with traffic holds when the traffic is concurrent (issue: 18,331 keys
 * against a bound of 10,000, 1,274 tokens for 2 clients, after a soak). Each bound is enforced
 * inside the commit that grows it; these tests fire far more concurrent growth than the bound
 * and count afterwards. On the embedded store the sandbox runs on a data file, so commits wait
 * for their fsync while others are built: the window the old read-then-write code leaked
 * through. In the `postgres` project, the same file runs on PostgreSQL.
 */
const KEY_BOUND = 300; // the shipped 10,000 is exercised by `npm run soak`
const CONNECTIONS = 100;

let sb: Sandbox;
let base: string;
let dir: string;
const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bounds-'));
  sb = await testSandbox({
    maxIdempotencyKeys: KEY_BOUND,
    workspaces: { caps: { recordsPerCollection: 60 } },
    ...(TEST_STORE === 'embedded' && { data: join(dir, 'state.json') }),
  });
  base = await sb.start(0);
});

afterAll(async () => {
  agent.destroy();
  if (TEST_STORE === 'embedded') await sb.stop(); // the harness stops PostgreSQL sandboxes itself
  await rm(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  body: unknown;
}

/** One request over the shared keep-alive agent (at most CONNECTIONS sockets at once). */
function send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { method, agent, headers: body === undefined ? headers : { ...headers, 'Content-Length': String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, body: text.length > 0 ? (JSON.parse(text) as unknown) : undefined });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

function tokenRequest(clientId: string, secret: string): Promise<Answer> {
  const form = `grant_type=client_credentials&client_id=${encodeURIComponent(clientId)}&client_secret=${encodeURIComponent(secret)}`;
  return send('POST', '/oauth/token', { 'Content-Type': 'application/x-www-form-urlencoded' }, form);
}

async function tokenOf(clientId: string, secret: string): Promise<string> {
  const answer = await tokenRequest(clientId, secret);
  expect(answer.status).toBe(200);
  return (answer.body as { access_token: string }).access_token;
}

function statuses(answers: Answer[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const answer of answers) counts[answer.status] = (counts[answer.status] ?? 0) + 1;
  return counts;
}

describe(`bounds under ${CONNECTIONS} concurrent connections (${TEST_STORE})`, () => {
  test(`200 concurrent token requests for one client leave at most ${MAX_TOKENS_PER_CLIENT} of its tokens, the newest working`, async () => {
    const answers = await Promise.all(Array.from({ length: 200 }, () => tokenRequest('sandbox_client', 'sandbox_secret')));

    expect(statuses(answers)).toEqual({ 200: 200 });
    expect(await sb.store.count('novaTokens', 'sandbox_client')).toBe(MAX_TOKENS_PER_CLIENT);
    const stored = await sb.store.page('novaTokens', 'sandbox_client', { limit: 100, newestFirst: false });
    expect(stored?.items).toHaveLength(MAX_TOKENS_PER_CLIENT);
    // A token issued after the burst works, and the store still holds exactly the bound.
    const fresh = await tokenOf('sandbox_client', 'sandbox_secret');
    expect((await send('GET', '/v1/vehicles', { Authorization: `Bearer ${fresh}` })).status).toBe(200);
    expect(await sb.store.count('novaTokens', 'sandbox_client')).toBe(MAX_TOKENS_PER_CLIENT);
  }, 60_000);

  test(`${KEY_BOUND * 4} concurrent keyed creates keep at most ${KEY_BOUND} idempotency answers, the newest replayable`, async () => {
    const token = await tokenOf('sandbox_client', 'sandbox_secret');
    const headers = (key: string) => ({ Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Idempotency-Key': key });
    const creates = KEY_BOUND * 4;
    const answers = await Promise.all(
      Array.from({ length: creates }, (_, i) => send('POST', '/v1/contacts', headers(`burst-${i}`), JSON.stringify([{ name: `C ${i}`, email: `c${i}@example.com` }]))),
    );

    expect(statuses(answers)).toEqual({ 201: creates });
    expect(await sb.store.count('novaIdempotencyKeys')).toBe(KEY_BOUND);
    // The last key stored is still answered from the store, not run again.
    const last = await send('POST', '/v1/contacts', headers('after-burst'), JSON.stringify([{ name: 'Last', email: 'last@example.com' }]));
    const replay = await send('POST', '/v1/contacts', headers('after-burst'), JSON.stringify([{ name: 'Last', email: 'last@example.com' }]));
    expect(replay).toEqual(last);
    expect(await sb.store.count('novaIdempotencyKeys')).toBe(KEY_BOUND);
  }, 60_000);

  test('a workspace record cap holds against concurrent creates: exactly the room left is created, the rest refused 1422, nothing half-written', async () => {
    const created = await send('POST', '/_sandbox/workspaces', {});
    expect(created.status).toBe(201);
    const ws = created.body as CreatedWorkspace;
    const auth = `Bearer ${ws.norcap.client_id}:${ws.norcap.api_key}`;
    const list = async () => {
      const page = await send('GET', '/v3/custody/distributions?limit=1', { Authorization: auth });
      return (page.body as { pagination: { totalRecords: number } }).pagination.totalRecords;
    };
    const before = await list();
    const room = 60 - before;
    expect(room).toBeGreaterThan(0);
    const item = JSON.stringify({ newDistributions: [{ brokerageAccountId: ws.norcap.brokerage_accounts[0], amountCents: 1234, accountId: ws.norcap.linked_accounts[0] }] });

    const answers = await Promise.all(Array.from({ length: 200 }, () => send('POST', '/v3/custody/distributions', { Authorization: auth, 'Content-Type': 'application/json' }, item)));

    expect(statuses(answers)).toEqual({ 200: room, 422: 200 - room });
    for (const refused of answers.filter((answer) => answer.status === 422)) {
      expect(refused.body).toEqual({ statusCode: '1422', statusDesc: 'this workspace holds at most 60 NorCap distributions; POST /_sandbox/reset with its key starts it over' });
    }
    expect(await list()).toBe(60);
  }, 60_000);
});
