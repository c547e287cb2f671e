import { expect } from '@jest/globals';
import { STATUS_CODES } from 'node:http';
import request from 'supertest';
import type { Sandbox } from '../../src/sandbox.js';
import { expectContract } from '../support/harness.js';
import type { JournalEntry } from '../../src/control-plane/journal.js';

/** A control-API call; the answer is checked against openapi/sandbox.yaml. */
export async function control(sb: Sandbox, method: 'get' | 'post' | 'delete', path: string, body?: object, auth?: string): Promise<request.Response> {
  let req = request(sb.app)[method](path);
  if (auth) req = req.set('Authorization', auth);
  const res = body === undefined ? await req : await req.send(body);
  expectContract('sandbox', res);
  return res;
}

/** Fails unless `res` is a problem+json answer with this status, its reason phrase as title, and a detail containing `detail`. */
export function expectProblem(res: request.Response, status: number, detail: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toEqual({ type: 'about:blank', title: STATUS_CODES[status], status, detail: expect.stringContaining(detail) });
}

/** The journal as `GET /_sandbox/requests` answers it (the journal's own type, as JSON), newest first. */
export async function journal(sb: Sandbox, query = ''): Promise<JournalEntry[]> {
  const res = await control(sb, 'get', `/_sandbox/requests${query}`);
  if (res.status !== 200) throw new Error(`journal answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.entries as JournalEntry[];
}
