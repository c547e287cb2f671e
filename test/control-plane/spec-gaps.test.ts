import { describe, expect, test } from '@jest/globals';
import request from 'supertest';
import { loadSpec } from '../../src/core/contract/spec.js';
import { expectContract, sandboxPerTest } from '../support/harness.js';
import { controlAs, keyOf, newWorkspace, warmUpValidators } from '../workspaces/helpers.js';
import { expectProblem } from './helpers.js';

// What the controls answer, documented where a tool can check it: each answer here is checked
// against openapi/sandbox.yaml (controlAs / expectContract), so an undocumented status fails.

warmUpValidators();

const sandbox = sandboxPerTest();

type Schemas = Record<string, { properties?: Record<string, { enum?: string[] }>; enum?: string[] }>;
const schemas = (api: 'norcap' | 'nova' | 'sandbox') => loadSpec(api).components?.schemas as Schemas;

describe('DELETE /_sandbox/workspace', () => {
  test('a malformed X-Sandbox-Workspace: the documented 400 problem, and the workspace is still there', async () => {
    const sb = await sandbox();
    const ws = await newWorkspace(sb);

    const res = await controlAs(sb, 'delete', '/_sandbox/workspace', { headers: { 'X-Sandbox-Workspace': 'not-a-workspace' } });

    expectProblem(res, 400, 'x-sandbox-workspace');
    expect(res.body.detail).toBe('header x-sandbox-workspace must match pattern "^ws_[A-Za-z0-9]{16}$"');
    expect((await controlAs(sb, 'get', '/_sandbox/workspace', { auth: keyOf(ws) })).status).toBe(200);
  });
});

describe("the lifecycle moves' status is an enum of each API's statuses", () => {
  test.each([
    ['NorcapStatusMove', 'norcap'],
    ['NovaStatusMove', 'nova'],
  ] as const)('%s lists exactly %s’s DistributionStatus values', (move, api) => {
    expect(schemas('sandbox')[move]?.properties?.status?.enum).toEqual(schemas(api).DistributionStatus?.enum);
  });
});

describe('/healthz', () => {
  test('documented in openapi/sandbox.yaml, and its answer matches the document', async () => {
    const sb = await sandbox();
    const res = await request(sb.app).get('/healthz');

    expectContract('sandbox', res);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });
});
