import { expect } from '@jest/globals';
import type { Response } from 'supertest';
import { ResponseContract } from '../../src/core/contract/responses.js';
import type { ApiName } from '../../src/core/contract/spec.js';
import { createSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox.js';

/** The instant every test sandbox starts at: timestamps in assertions are exact. */
export const T0 = new Date('2024-04-20T12:00:00Z');

/** A fresh in-memory sandbox with a frozen clock and a fixed seed. */
export function testSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return createSandbox({ seed: 1, frozenAt: T0, ...options });
}

/**
 * Fails the test unless the response is one the spec documents for its operation and status,
 * with a body that matches the schema. Every test response goes through this.
 */
export function expectContract(api: ApiName, res: Response): void {
  const req = (res as unknown as { req: { method: string; path: string } }).req;
  const path = req.path.split('?')[0] ?? req.path;
  const check = ResponseContract.for(api).check(req.method, path, res.status, res.body, String(res.headers['content-type'] ?? 'application/json'));
  expect(check.problems).toEqual([]);
}
