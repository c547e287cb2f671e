import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createSandbox, type Sandbox } from '../../src/sandbox.js';
import { verify } from '../../src/verify/runner.js';
import { resolvedSpec } from '../../src/verify/spec-schemas.js';

// A second sandbox with another seed: its generated data differ, its contract does not.
describe('verify against a second sandbox started with another --seed', () => {
  let target: Sandbox;
  let url: string;
  beforeAll(async () => {
    target = await createSandbox({ seed: 99 });
    url = await target.start(0);
  });
  afterAll(() => target.stop());

  test.each(['norcap', 'nova'] as const)('%s: every operation covered, no difference, exit 0', async (api) => {
    const report = await verify({ api, target: url, seed: 7, allowWrites: true, includeAuthFailures: true });
    const differences = report.cases.flatMap((c) => c.differences);
    expect(differences).toEqual([]);
    expect(report.reason).toBeUndefined();
    expect(report.exitCode).toBe(0);
    expect(report.uncovered).toEqual([]);
    const ran = new Set(report.cases.flatMap((c) => c.steps.filter((s) => !s.skipped).map((s) => s.operation)));
    expect([...ran].sort()).toEqual(resolvedSpec(api).operations.map((o) => o.operationId).sort());
    expect(report.summary.skipped).toBe(0);
    expect(report.cases.every((c) => c.verdict.targetConforms && c.verdict.mockConforms)).toBe(true);
  }, 60_000);
});
