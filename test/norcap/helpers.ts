import request from 'supertest';
import type { Sandbox } from '../../src/sandbox.js';
import { loadSpec } from '../../src/core/contract/spec.js';
import { expectContract } from '../support/harness.js';

export const SANDBOX_AUTH = 'Bearer sandbox:sandbox_api_key';
export const SECOND_AUTH = 'Bearer sandbox_two:sandbox_two_api_key';
export const PATH = '/v3/custody/distributions';

/** POSTs a create request as the fixture credential; the response is checked against the spec. */
export async function create(sb: Sandbox, body: unknown, auth = SANDBOX_AUTH): Promise<request.Response> {
  const res = await request(sb.app).post(PATH).set('Authorization', auth).send(body as object);
  expectContract('norcap', res);
  return res;
}

export async function get(sb: Sandbox, path: string, auth = SANDBOX_AUTH): Promise<request.Response> {
  const res = await request(sb.app).get(path).set('Authorization', auth);
  expectContract('norcap', res);
  return res;
}

interface Example { summary: string; value: unknown }
type ExampleMap = Record<string, Example>;

/** The seed's examples, as embedded in `openapi/norcap.yaml`: requests and documented responses. */
export function seedExamples(): { requests: ExampleMap; responses: ExampleMap } {
  const post = loadSpec('norcap').paths[PATH]?.post as {
    requestBody: { content: { 'application/json': { examples: ExampleMap } } };
    responses: { '200': { content: { 'application/json': { examples: ExampleMap } } } };
  };
  return {
    requests: post.requestBody.content['application/json'].examples,
    responses: post.responses['200'].content['application/json'].examples,
  };
}

/** A one-item create body, with overrides. */
export function item(overrides: Record<string, unknown> = {}): { newDistributions: Record<string, unknown>[] } {
  return { newDistributions: [{ brokerageAccountId: 'NC95156', amountCents: 1234, accountId: 'A1234567890', ...overrides }] };
}
