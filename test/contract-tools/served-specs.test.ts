import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import request from 'supertest';
import type { Sandbox } from '../../src/sandbox.js';
import { testSandbox } from '../support/harness.js';

// An unquoted comma in a YAML flow mapping (`{ description: Sandbox time, ISO 8601 UTC. }`)
// cuts the description short and adds a stray key (`"ISO 8601 UTC.": null`): the document still
// parses, so only a walk of what is served finds it. Redocly's lint (`npm run lint:specs`)
// catches it too; this pins it on the very JSON clients download.

/** Subtrees holding values, not OpenAPI structure: their nulls are data (`enum: [ach, null]`). */
const VALUE_KEYS = new Set(['example', 'examples', 'enum', 'default']);

interface Finding {
  path: string;
  problem: string;
}

function walk(node: unknown, path: string, parentKey: string, findings: Finding[]): void {
  if (Array.isArray(node)) {
    node.forEach((item, i) => walk(item, `${path}[${i}]`, parentKey, findings));
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    const here = `${path}/${key}`;
    if (VALUE_KEYS.has(key)) continue;
    if (value === null) findings.push({ path: here, problem: 'null-valued key' });
    // Under `properties` a key is a field name (a field may be called `description`).
    if ((key === 'description' || key === 'summary') && parentKey !== 'properties' && (typeof value !== 'string' || value.trim() === '')) {
      findings.push({ path: here, problem: `${key} is not a non-empty string` });
    }
    walk(value, here, key, findings);
  }
}

let sb: Sandbox;
beforeAll(async () => {
  sb = await testSandbox();
});
afterAll(async () => {
  await sb.stop();
});

describe('served specs are well-formed documents', () => {
  test.each(['norcap', 'nova', 'sandbox'])('/openapi/%s.json has no stray null keys and every description is a string', async (api) => {
    const res = await request(sb.app).get(`/openapi/${api}.json`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ openapi: '3.0.3', info: { description: expect.any(String) } });
    const findings: Finding[] = [];
    walk(res.body, '', '', findings);
    expect(findings).toEqual([]);
  });

  test('the walk finds the flow-mapping mistake it guards against', () => {
    const findings: Finding[] = [];
    // What `{ type: string, description: Sandbox time, ISO 8601 UTC. }` parses to.
    walk({ components: { schemas: { Clock: { properties: { now: { type: 'string', description: 'Sandbox time', 'ISO 8601 UTC.': null } } } } } }, '', '', findings);
    expect(findings).toEqual([{ path: '/components/schemas/Clock/properties/now/ISO 8601 UTC.', problem: 'null-valued key' }]);
  });
});
