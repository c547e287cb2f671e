import { beforeAll, expect } from '@jest/globals';
import request from 'supertest';
import type { Sandbox } from '../../src/sandbox.js';
import type { CreatedWorkspace } from '../../src/workspaces/routes.js';
import { expectContract, testSandbox } from '../support/harness.js';

/**
 * Workspaces as their users reach them: over HTTP only, so these helpers (and the tests on
 * them) run unchanged whichever store stands behind the sandbox.
 */
export type HasApp = Pick<Sandbox, 'app'>;

/** `POST /_sandbox/workspaces`; the answer is checked against openapi/sandbox.yaml. */
export async function postWorkspace(sb: HasApp, authorization?: string): Promise<request.Response> {
  let req = request(sb.app).post('/_sandbox/workspaces');
  if (authorization) req = req.set('Authorization', authorization);
  const res = await req;
  expectContract('sandbox', res);
  return res;
}

/** A new workspace, its secrets included. */
export async function newWorkspace(sb: HasApp, authorization?: string): Promise<CreatedWorkspace> {
  const res = await postWorkspace(sb, authorization);
  expect(res.status).toBe(201);
  return res.body as CreatedWorkspace;
}

export function keyOf(ws: CreatedWorkspace): string {
  return `Bearer ${ws.key}`;
}

export function norcapAuthOf(ws: CreatedWorkspace): string {
  return `Bearer ${ws.norcap.client_id}:${ws.norcap.api_key}`;
}

export function novaClientOf(ws: CreatedWorkspace): { id: string; secret: string } {
  return { id: ws.nova.client_id, secret: ws.nova.client_secret };
}

/** A control call as a workspace (its key) or as anyone else (`auth`, `headers`); checked against the spec. */
export async function controlAs(
  sb: HasApp,
  method: 'get' | 'post' | 'delete',
  path: string,
  options: { auth?: string; headers?: Record<string, string>; body?: object } = {},
): Promise<request.Response> {
  let req = request(sb.app)[method](path);
  if (options.auth) req = req.set('Authorization', options.auth);
  if (options.headers) req = req.set(options.headers);
  const res = options.body === undefined ? await req : await req.send(options.body);
  expectContract('sandbox', res);
  return res;
}

/** A NorCap create of one distribution from the workspace's first accounts. */
export function norcapItem(ws: CreatedWorkspace, amountCents = 1234): { newDistributions: Record<string, unknown>[] } {
  return { newDistributions: [{ brokerageAccountId: ws.norcap.brokerage_accounts[0], amountCents, accountId: ws.norcap.linked_accounts[0] }] };
}

/** One Nova distribution item of the workspace's organization `index`. */
export function novaItem(ws: CreatedWorkspace, index = 0): Record<string, unknown> {
  const org = ws.nova.organizations[index] as CreatedWorkspace['nova']['organizations'][number];
  return { name: 'Q2 distribution', distribution_date: '2024-06-30T00:00:00Z', vehicle: org.vehicles[0], payments: [{ amount: 2500, currency: 'USD', entity: org.entities[0] }] };
}

/**
 * Compiles the specs' request validators once, before a file's first test: alone they take a
 * second or two, and under a busy parallel run more than a test's 5 s.
 */
export function warmUpValidators(): void {
  beforeAll(async () => {
    const sb = await testSandbox();
    try {
      const ws = await newWorkspace(sb);
      await request(sb.app).get('/v3/custody/distributions').set('Authorization', norcapAuthOf(ws));
      await request(sb.app).get('/v1/vehicles').set('Authorization', 'Bearer none');
    } finally {
      await sb.stop();
    }
  }, 60_000);
}
