import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createSandbox, type Sandbox } from '../../src/sandbox.js';
import { verify, type VerifyOptions } from '../../src/verify/runner.js';
import type { Difference } from '../../src/verify/types.js';
import { driftProxy, withBody, type Drift } from './drift-proxy.js';

const VEHICLE_PATH = /^\/v1\/vehicles\/veh_[A-Za-z0-9]+$/;
type Planted = { name: string; drift: Drift; options: Omit<VerifyOptions, 'target'>; expected: Partial<Difference>[] };

// Each planted drift alone, reported with its kind, pointer (or header) and class, and nothing else.
const PLANTED: Planted[] = [
  {
    name: 'a renamed field',
    drift: (req, a) => {
      if (!VEHICLE_PATH.test(req.path)) return undefined;
      const { name, ...rest } = a.body as Record<string, unknown>;
      return withBody(a, { ...rest, title: name });
    },
    options: { api: 'nova', only: ['getVehicle'] },
    expected: [
      { case: 'getVehicle.fixture', kind: 'undocumented_field', pointer: '/title', class: 'spec' },
      { case: 'getVehicle.fixture', kind: 'missing_field', pointer: '/name', class: 'spec' },
    ],
  },
  {
    name: 'an extra undocumented field',
    drift: (req, a) => (VEHICLE_PATH.test(req.path) ? withBody(a, { ...(a.body as object), region: 'eu' }) : undefined),
    options: { api: 'nova', only: ['getVehicle'] },
    expected: [{ case: 'getVehicle.fixture', kind: 'undocumented_field', pointer: '/region', class: 'spec', target: 'eu' }],
  },
  {
    name: 'a field whose type changed',
    drift: (req, a) => (VEHICLE_PATH.test(req.path) ? withBody(a, { ...(a.body as object), name: 42 }) : undefined),
    options: { api: 'nova', only: ['getVehicle'] },
    expected: [{ case: 'getVehicle.fixture', kind: 'type', pointer: '/name', class: 'spec', target: 42 }],
  },
  {
    name: 'a wrong content type',
    drift: (req, a) => (VEHICLE_PATH.test(req.path) ? { ...a, headers: { ...a.headers, 'content-type': 'text/plain; charset=utf-8' } } : undefined),
    options: { api: 'nova', only: ['getVehicle'] },
    expected: [{ case: 'getVehicle.fixture', kind: 'content_type', class: 'spec', target: 'text/plain; charset=utf-8' }],
  },
  {
    name: 'a missing documented header',
    drift: (req, a) => {
      if (req.path !== '/oauth/token' || a.status !== 200) return undefined;
      const headers = { ...a.headers };
      delete headers['cache-control'];
      return { ...a, headers };
    },
    options: { api: 'nova', only: ['issueToken'] },
    expected: [
      { case: 'issueToken.example.bodyCredentials', kind: 'header', header: 'Cache-Control', class: 'mock', target: null, mock: 'no-store' },
      { case: 'issueToken.configured', kind: 'header', header: 'Cache-Control', class: 'mock', target: null, mock: 'no-store' },
    ],
  },
  {
    name: '200 instead of 201',
    drift: (req, a) => (req.method === 'POST' && req.path === '/v1/contacts' && a.status === 201 ? { ...a, status: 200 } : undefined),
    options: { api: 'nova', only: ['createContacts'], allowWrites: true },
    expected: [
      { case: 'createContacts.example.example', step: 'create', kind: 'status', class: 'spec', target: 200, mock: 201 },
      { case: 'createContacts.flow', step: 'create', kind: 'status', class: 'spec', target: 200, mock: 201 },
      { case: 'createContacts.idempotency', step: 'create', kind: 'status', class: 'spec', target: 200, mock: 201 },
      { case: 'createContacts.idempotency', step: 'replay', kind: 'status', class: 'spec', target: 200, mock: 201 },
    ],
  },
  {
    name: 'a changed documented error message',
    drift: (req, a) => {
      const body = a.body as { statusDesc?: string } | undefined;
      return body?.statusDesc === 'Bad request: account ID or banking info required' ? withBody(a, { ...body, statusDesc: 'Bad request: account or bank details required' }) : undefined;
    },
    options: { api: 'norcap', only: ['createDistributions'], allowWrites: true },
    expected: [{ case: 'createDistributions.invalid.required', kind: 'value', pointer: '/statusDesc', class: 'spec', target: 'Bad request: account or bank details required', mock: 'Bad request: account ID or banking info required' }],
  },
];

describe('verify against a provider with planted drifts', () => {
  let upstream: Sandbox;
  let upstreamUrl: string;
  beforeAll(async () => {
    upstream = await createSandbox({ seed: 5 });
    upstreamUrl = await upstream.start(0);
  });
  afterAll(() => upstream.stop());

  test.each(PLANTED)('$name: reported exactly, exit 1', async ({ drift, options, expected }) => {
    const proxy = await driftProxy(upstreamUrl, drift);
    try {
      const report = await verify({ ...options, target: proxy.url, seed: 1 });
      const differences = report.cases.flatMap((c) => c.differences);
      expect(differences).toHaveLength(expected.length);
      expected.forEach((e, i) => expect(differences[i]).toMatchObject(e));
      expect(report.exitCode).toBe(1);
      const failed = report.cases.filter((c) => c.status === 'fail').map((c) => c.id);
      expect(failed).toEqual([...new Set(expected.map((e) => e.case))]);
      for (const c of report.cases.filter((x) => x.status === 'fail')) expect(c.verdict.differs).toBe(true);
    } finally {
      await proxy.close();
    }
  }, 30_000);

  test('an unchanged proxy in front of the sandbox: no difference, exit 0', async () => {
    const proxy = await driftProxy(upstreamUrl, () => undefined);
    try {
      const report = await verify({ api: 'nova', target: proxy.url, seed: 1 });
      expect(report.cases.flatMap((c) => c.differences)).toEqual([]);
      expect(report.exitCode).toBe(0);
    } finally {
      await proxy.close();
    }
  }, 30_000);
});
