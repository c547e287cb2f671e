import { describe, expect, test } from '@jest/globals';
import bytes from 'bytes';
import { DEFAULT_BODY_LIMIT } from '../../src/app.js';
import { MAX_TOKENS_PER_CLIENT } from '../../src/apis/nova/tokens.js';
import { DEFAULT_JOURNAL_SIZE } from '../../src/control-plane/journal.js';
import { MAX_FAULTS } from '../../src/control-plane/faults.js';
import request from 'supertest';
import { loadSpec } from '../../src/core/contract/spec.js';
import { expectContract, testSandbox } from '../support/harness.js';
import { DEFAULT_MAX_KEY_RECORDS } from '../../src/core/idempotency/middleware.js';
import { WORKSPACE_CAPS } from '../../src/workspaces/caps.js';
import { DEFAULT_MAX_WORKSPACES } from '../../src/workspaces/registry.js';
import { DEFAULT_SIGNUP_RATE } from '../../src/workspaces/routes.js';

// Every bound the specs document, read from where the spec carries it (`info.x-sandbox-bounds`,
// a parameter's `maximum`) and from its prose, against the constant the code enforces: the
// three cannot drift apart.

type Api = 'norcap' | 'nova' | 'sandbox';
const bounds = (api: Api) => (loadSpec(api).info as unknown as { 'x-sandbox-bounds': Record<string, number> })['x-sandbox-bounds'];
const prose = (api: Api) => JSON.stringify(loadSpec(api)).replace(/\\n/g, ' ').replace(/\s+/g, ' ');
const parameterMaximum = (api: Api, path: string, name: string): number | undefined => {
  const spec = loadSpec(api);
  const get = spec.paths[path]?.get as { parameters?: ({ name?: string; schema?: { maximum?: number }; $ref?: string })[] } | undefined;
  for (const p of get?.parameters ?? []) {
    const param = p.$ref ? ((spec.components as unknown as { parameters: Record<string, typeof p> }).parameters[p.$ref.split('/').pop() as string] ?? p) : p;
    if (param.name === name) return param.schema?.maximum;
  }
  return undefined;
};

describe('the documented bounds are the code’s', () => {
  test.each([
    ['nova', 'idempotencyKeys', DEFAULT_MAX_KEY_RECORDS, 'at most 10,000 keys are kept in all'],
    ['nova', 'tokensPerClient', MAX_TOKENS_PER_CLIENT, 'at most 20 live tokens per client'],
    ['nova', 'bodyLimitBytes', bytes.parse(DEFAULT_BODY_LIMIT), '1 MB by default'],
    ['sandbox', 'workspaces', DEFAULT_MAX_WORKSPACES, 'At most 100 workspaces exist at once'],
    ['sandbox', 'signupsPerAddressPerHour', DEFAULT_SIGNUP_RATE.windowMs === 3_600_000 ? DEFAULT_SIGNUP_RATE.limit : Number.NaN, 'at most 10 per client address per hour'],
    ['sandbox', 'workspaceRecordsPerCollection', WORKSPACE_CAPS.recordsPerCollection, 'at most 1000 NorCap distributions and 1000 each of Nova entities, contacts and distributions'],
    ['sandbox', 'workspaceTokensPerClient', WORKSPACE_CAPS.tokens, '20 live tokens'],
    ['sandbox', 'workspaceJournalEntries', WORKSPACE_CAPS.journalEntries, 'the newest 200 journal entries'],
    ['sandbox', 'journalEntries', DEFAULT_JOURNAL_SIZE, 'journal keeps the last 1000 requests'],
    ['sandbox', 'faults', MAX_FAULTS, 'At most 100 faults may be'],
  ] as const)('%s %s: x-sandbox-bounds, the prose and the code agree', (api, name, code, sentence) => {
    expect(bounds(api)[name]).toBe(code);
    expect(prose(api)).toContain(sentence);
  });

  test('the control body limit is read from the spec: a body one byte over it is a 413, one at it is not', async () => {
    const limit = bounds('sandbox').controlBodyLimitBytes as number;
    expect(limit).toBe(100 * 1024);
    expect(prose('sandbox')).toContain('The request body is over 100 kB');
    const sb = await testSandbox();
    try {
      const padded = (size: number) => `{"seconds":1,"pad":"${'x'.repeat(size - '{"seconds":1,"pad":""}'.length)}"}`;
      const over = await request(sb.app).post('/_sandbox/clock/advance').set('Content-Type', 'application/json').send(padded(limit + 1));
      const at = await request(sb.app).post('/_sandbox/clock/advance').set('Content-Type', 'application/json').send(padded(limit));
      expectContract('sandbox', over);
      expect(over.status).toBe(413);
      expect(at.status).toBe(400); // read and validated (pad is no field), not refused for its size
    } finally {
      await sb.stop();
    }
  });

  test('page sizes: the parameters’ maximum, as the prose says it', () => {
    expect(parameterMaximum('norcap', '/v3/custody/distributions', 'limit')).toBe(500);
    expect(prose('norcap')).toContain('at most 500');
    expect(parameterMaximum('norcap', '/v3/custody/distributions', 'offset')).toBe(Number.MAX_SAFE_INTEGER);
    expect(parameterMaximum('nova', '/v1/entities', 'limit')).toBe(100);
  });
});
