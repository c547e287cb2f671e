import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { apiForPath } from '../../src/apis/index.js';
import { OperationIndex } from '../../src/core/contract/operations.js';
import { loadSpec, type ApiName } from '../../src/core/contract/spec.js';
import type { Sandbox } from '../../src/sandbox.js';
import { CONTACT_1, ENTITY_1, MULTI_ORG_CLIENT, ORG_1, ORG_2, SANDBOX_CLIENT, VEHICLE_1, basicAuth, tokenFor } from '../nova/helpers.js';
import { testSandbox } from '../support/harness.js';
import { fromSchema, hostileValue, mutate, type Schema } from './schema-arbitrary.js';

// Property-based fuzzing of every operation of the three specs (and of paths and methods they
// do not have): request bodies generated from the specs' own request schemas, then mutated;
// garbage headers, query strings, paths and methods. Whatever is sent, the answer is never a
// 5xx, always the owning API's error envelope, never a stack trace or an internal path, the
// server stays healthy and nothing is polluted. Seeded: FUZZ_SEED=<n> replays a run (the seed
// is printed on failure); FUZZ_RUNS changes the number of requests (default 5000).

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const RUNS = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : 5000;

interface FuzzRequest {
  method: string;
  path: string;
  /** Raw header pairs: a name may repeat. */
  headers: [string, string][];
  body?: string | Buffer;
}

interface FuzzResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

let sb: Sandbox;
let baseUrl: URL;
const agent = new Agent({ keepAlive: true, maxSockets: 8 });
const tokens: { single: string; multi: string } = { single: '', multi: '' };

beforeAll(async () => {
  sb = await testSandbox();
  baseUrl = new URL(await sb.start(0));
  tokens.single = await tokenFor(sb, SANDBOX_CLIENT);
  tokens.multi = await tokenFor(sb, MULTI_ORG_CLIENT);
});
afterAll(async () => {
  agent.destroy();
  await sb.stop();
});

function send(req: FuzzRequest): Promise<FuzzResponse> {
  return new Promise((resolve, reject) => {
    const flat = req.headers.flatMap(([name, value]) => [name, value]);
    if (req.body !== undefined) flat.push('Content-Length', String(Buffer.byteLength(req.body)));
    flat.push('Host', baseUrl.host);
    const r = request({ host: baseUrl.hostname, port: baseUrl.port, method: req.method, path: req.path, agent, headers: flat, setHost: false });
    r.on('error', reject);
    r.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    r.end(req.body);
  });
}

// ---- what gets sent -------------------------------------------------------------------------

interface Target {
  api: ApiName;
  method: string;
  path: string;
  body?: fc.Arbitrary<unknown>;
  form: boolean;
  query: string[];
}

const TARGETS: Target[] = (['norcap', 'nova', 'sandbox'] as const).flatMap((api) => {
  const doc = loadSpec(api);
  return OperationIndex.for(api).operations.map((op) => {
    const operation = op.operation as unknown as { requestBody?: { content?: Record<string, { schema?: Schema }> }; parameters?: { in: string; name: string }[] };
    const content = operation.requestBody?.content ?? {};
    const schema = content['application/json']?.schema ?? content['application/x-www-form-urlencoded']?.schema;
    const pathItem = (doc.paths as Record<string, { parameters?: { in: string; name: string }[] }>)[op.path] ?? {};
    const params = [...(operation.parameters ?? []), ...(pathItem.parameters ?? [])].map((p) => ('$ref' in p ? resolveParam(doc, p as unknown as { $ref: string }) : p));
    return {
      api,
      method: op.method,
      path: op.path,
      body: schema ? fromSchema(doc, schema) : undefined,
      form: !content['application/json'] && Boolean(content['application/x-www-form-urlencoded']),
      query: params.filter((p) => p.in === 'query').map((p) => p.name),
    };
  });
});

function resolveParam(doc: unknown, ref: { $ref: string }): { in: string; name: string } {
  let node: unknown = doc;
  for (const part of ref.$ref.replace(/^#\//, '').split('/')) node = (node as Record<string, unknown>)[part];
  return node as { in: string; name: string };
}

const IDS = [ENTITY_1, CONTACT_1, VEHICLE_1, 'dst_x1', 'dpmt_x1', 'flt_1', 'NC95156', 'A1234567890', 'x', '%zz', '%00', '..', '%2e%2e', 'a'.repeat(300), '\u00e9', '__proto__', 'constructor'];
const pathSegment = fc.oneof(fc.constantFrom(...IDS), fc.string({ maxLength: 30 }).map(encodeURIComponent));

const queryString = (names: string[]): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constant(''),
    fc.array(fc.tuple(fc.oneof(fc.constantFrom(...names, 'filter[status]', 'filter[status][]', 'sort', 'limit', 'offset', '__proto__[polluted]', 'constructor[prototype][polluted]', 'a[b][c][d][e][f]'), fc.string({ maxLength: 10 })), fc.oneof(fc.constantFrom('', '0', '-1', '1.5', '101', '1e3', 'createdAt:desc', 'x:up', 'yes', '%zz', 'a'.repeat(2000)), fc.string({ maxLength: 20 }).map(encodeURIComponent))), { maxLength: 5 }).map(
      (pairs) => `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`,
    ),
    fc.constantFrom('?', '?&&&', '?=', '?%', '?a=%zz', '?limit=1&limit=2', `?${'x=1&'.repeat(500)}`),
  );

const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'application/json; charset=utf-16', 'application/json; charset=latin1', 'application/json; charset=bogus', 'application/merge-patch+json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', '', 'application/json, text/plain', '*/*'];

function authFor(api: ApiName, path: string): fc.Arbitrary<[string, string][]> {
  const broken = fc.constantFrom<[string, string][]>([], [['Authorization', 'Bearer']], [['Authorization', 'Bearer ']], [['Authorization', 'Basic !!!']], [['Authorization', `Bearer ${'x'.repeat(5000)}`]], [['Authorization', 'Bearer a b c']], [['Authorization', 'bearer sandbox:sandbox_api_key']], [['Authorization', 'Bearer sandbox:sandbox_api_key'], ['Authorization', 'Bearer sandbox:sandbox_api_key']]);
  if (path === '/oauth/token') return fc.oneof(fc.constant<[string, string][]>([['Authorization', basicAuth(SANDBOX_CLIENT.id, SANDBOX_CLIENT.secret)]]), fc.constant<[string, string][]>([['Authorization', basicAuth('sandbox_client', 'wrong')]]), fc.constant<[string, string][]>([['Authorization', 'Basic Og==']]), broken);
  if (api === 'norcap') return fc.oneof({ weight: 4, arbitrary: fc.constantFrom<[string, string][]>([['Authorization', 'Bearer sandbox:sandbox_api_key']], [['Authorization', 'Bearer sandbox_two:sandbox_two_api_key']]) }, broken);
  if (api === 'nova')
    return fc.oneof(
      { weight: 4, arbitrary: fc.constant(null).map((): [string, string][] => [['Authorization', `Bearer ${tokens.single}`]]) },
      { weight: 2, arbitrary: fc.constantFrom(ORG_1, ORG_2, 'org_nope', '', 'x'.repeat(300)).map((org): [string, string][] => [['Authorization', `Bearer ${tokens.multi}`], ['X-Organization-Id', org]]) },
      broken,
    );
  return fc.oneof({ weight: 4, arbitrary: fc.constant<[string, string][]>([]) }, broken);
}

const extraHeaders: fc.Arbitrary<[string, string][]> = fc.array(
  fc.oneof(
    fc.constantFrom<[string, string]>(['Idempotency-Key', 'k1'], ['Idempotency-Key', 'k2'], ['Idempotency-Key', ''], ['Idempotency-Key', 'k'.repeat(300)], ['X-Organization-Id', ORG_1], ['X-Organization-Id', 'bad'], ['Accept', 'text/html'], ['Accept-Encoding', 'gzip'], ['Content-Encoding', 'gzip'], ['Content-Encoding', 'bogus'], ['Origin', 'http://evil.example'], ['Sec-Fetch-Site', 'cross-site'], ['Expect', '100-continue'], ['X-Forwarded-For', '1.2.3.4']),
    fc.tuple(fc.constantFrom('Idempotency-Key', 'X-Organization-Id', 'X-Custom'), fc.string({ maxLength: 6000, unit: 'grapheme-ascii' })).map(([n, v]): [string, string] => [n, v.replace(/[\r\n]/g, ' ').trim()]),
  ),
  { maxLength: 3 },
);

/** The JSON text of a body: as generated, a mutation of it, or raw text no serializer makes. */
function bodyText(target: Target): fc.Arbitrary<string | Buffer | undefined> {
  const valid = target.body ?? fc.jsonValue({ maxDepth: 2 });
  const json = fc.oneof(
    { weight: 3, arbitrary: valid },
    { weight: 5, arbitrary: valid.chain(mutate) },
    { weight: 1, arbitrary: hostileValue },
  ).map((v) => JSON.stringify(v) ?? '');
  const raw = fc.oneof(
    fc.constantFrom('', ' ', '{', '[', '{"a":1,"a":2}', '[{"name":"x","name":{}}]', '{"__proto__":{"polluted":1}}', 'null', '"text"', '42', 'true', '\ufeff[]', '[1,]', '{"a":1}garbage', 'a=1&b=2', '\u0000'),
    valid.map((v) => {
      const text = JSON.stringify(v) ?? '';
      return text.startsWith('{"') ? text.replace(/^\{("[^"]*"):/, '{$1:null,$1:') : text; // a duplicated key
    }),
    fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
  );
  const form = fc.dictionary(fc.constantFrom('grant_type', 'client_id', 'client_secret', 'scope', 'organization', '__proto__', 'x'), fc.oneof(fc.constantFrom('client_credentials', 'sandbox_client', 'sandbox_secret', ORG_1, ''), fc.string({ maxLength: 20 }))).map((d) => new URLSearchParams(d).toString());
  return fc.oneof({ weight: 1, arbitrary: fc.constant(undefined) }, { weight: target.form ? 1 : 8, arbitrary: json }, { weight: 2, arbitrary: raw }, { weight: target.form ? 6 : 1, arbitrary: form });
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'];
const ODD_PATHS = ['/', '//', '/v1', '/v1/', '/v3', '/v3/custody', '/_sandbox', '/_sandbox/', '/_sandbox/nope', '/v1/../_sandbox/reset', '/v1/%2e%2e/_sandbox/reset', '/v3/custody/distributions/%00', '/v1/Entities', `/v1/${'a'.repeat(4000)}`, '/v1/entities?%', '/oauth/token/', '/oauth', '/healthz/x', '/openapi/nope.yaml', '/docs/nope', '/favicon.ico', '/v1/entities/%E0%A4%A'];

const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc.oneof(
  { weight: 19, arbitrary: fc.constantFrom(...TARGETS) },
  { weight: 1, arbitrary: fc.constantFrom(...ODD_PATHS).map((path): Target => ({ api: 'sandbox', method: 'GET', path, form: false, query: [] })) },
).chain((target) =>
  fc
    .record({
      method: fc.oneof({ weight: 4, arbitrary: fc.constant(target.method) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
      segments: fc.array(pathSegment, { minLength: 4, maxLength: 4 }),
      query: queryString(target.query),
      auth: authFor(target.api, target.path),
      contentType: fc.oneof({ weight: 6, arbitrary: fc.constant(target.form ? 'application/x-www-form-urlencoded' : 'application/json') }, { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) }),
      extra: extraHeaders,
      body: bodyText(target),
    })
    .map(({ method, segments, query, auth, contentType, extra, body }) => {
      let i = 0;
      // What a client's HTTP library would put on the request line: no spaces or controls.
      const path = (target.path.replace(/\{[^}]+\}/g, () => segments[i++ % segments.length] as string) + query).replace(/[^\x21-\x7e]/g, (c) => encodeURIComponent(c));
      const headers: [string, string][] = [...auth, ...extra];
      if (contentType) headers.push(['Content-Type', contentType]);
      return { method, path, headers, body: method === 'GET' || method === 'HEAD' ? undefined : body };
    }),
);

// ---- what every answer must be --------------------------------------------------------------

function envelopeProblems(req: FuzzRequest, res: FuzzResponse): string[] {
  const problems: string[] = [];
  if (res.status >= 500) problems.push(`status ${res.status}`);
  if (/\/src\/|node_modules|\n\s+at \S|\bat (async )?[\w.<>]+ \(/.test(res.text)) problems.push('a stack trace or an internal path in the body');
  if (res.status < 400 || req.method === 'HEAD') return problems;
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    return [...problems, `error body is not JSON: ${res.text.slice(0, 120)}`];
  }
  const b = body as Record<string, unknown>;
  const path = req.path.split('?')[0] as string;
  const api = apiForPath(path)?.name;
  const isString = (v: unknown) => typeof v === 'string' && v.length > 0;
  if (api === 'norcap') {
    if (!isString(b.statusCode) || !isString(b.statusDesc)) problems.push('not NorCap’s {statusCode,statusDesc}');
  } else if (api === 'nova' && (path === '/oauth/token' || path.startsWith('/oauth/token/'))) {
    if (!isString(b.error) || typeof b.error_description !== 'string') problems.push('not OAuth’s {error,error_description}');
  } else if (api === 'nova') {
    const e = b.error as Record<string, unknown> | undefined;
    if (!e || !isString(e.code) || !isString(e.message)) problems.push('not Nova’s {error:{code,message}}');
  } else {
    if (!/^application\/problem\+json/.test(String(res.headers['content-type']))) problems.push('not application/problem+json');
    if (b.type !== 'about:blank' || !isString(b.title) || b.status !== res.status || typeof b.detail !== 'string') problems.push('not a problem {type,title,status,detail}');
  }
  return problems;
}

describe(`fuzzing every path, method, header and body of the three specs (FUZZ_SEED=${SEED}, ${RUNS} runs)`, () => {
  test('the operations to fuzz come from the specs: all three, every operation', () => {
    const count = (api: ApiName) => TARGETS.filter((t) => t.api === api).length;
    expect([count('norcap'), count('nova'), count('sandbox')]).toEqual([OperationIndex.for('norcap').operations.length, OperationIndex.for('nova').operations.length, OperationIndex.for('sandbox').operations.length]);
    expect(TARGETS.filter((t) => t.body).length).toBeGreaterThanOrEqual(6);
  });

  test('no 5xx, the owning API’s envelope, no stack trace; healthy and unpolluted afterwards', async () => {
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(fuzzRequest, async (req) => {
        const res = await send(req);
        sent++;
        // The fuzzer arms faults and moves the clock through the controls like anything else: an
        // armed 5xx fault would answer 5xx by design, and an expired token would close Nova.
        if ((await sb.faults.list()).length > 0) await sb.faults.clear();
        if (sent % 500 === 0) {
          await sb.reset();
          tokens.single = await tokenFor(sb, SANDBOX_CLIENT);
          tokens.multi = await tokenFor(sb, MULTI_ORG_CLIENT);
        }
        const problems = envelopeProblems(req, res);
        if (problems.length > 0) {
          throw new Error(`${problems.join('; ')}\n${req.method} ${req.path.slice(0, 300)}\nheaders ${JSON.stringify(req.headers).slice(0, 500)}\nbody ${String(req.body).slice(0, 500)}\n→ ${res.status} ${res.text.slice(0, 500)}`);
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true, verbose: 1 },
    );
    expect(sent).toBeGreaterThanOrEqual(RUNS);

    const health = await send({ method: 'GET', path: '/healthz', headers: [] });
    expect([health.status, health.text]).toEqual([200, '{"status":"ok"}']);
    const prototypes = [Object.prototype, Array.prototype, Function.prototype] as unknown as Record<string, unknown>[];
    expect(prototypes.map((p) => p.polluted)).toEqual([undefined, undefined, undefined]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }, 120_000);
});
