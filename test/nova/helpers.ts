import { beforeAll, beforeEach, expect } from '@jest/globals';
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../src/app.js';
import { API_MODULES, sandboxSchemas, type SandboxData } from '../../src/apis/index.js';
import { SandboxClock } from '../../src/core/clock.js';
import { ResponseContract } from '../../src/core/contract/responses.js';
import { loadSpec } from '../../src/core/contract/spec.js';
import { IdFactory } from '../../src/core/ids.js';
import { createRandom } from '../../src/core/random.js';
import { EmbeddedStore } from '../../src/backends/embedded/embedded-store.js';
import type { Persistence, StoreOp } from '../../src/core/store/types.js';
import type { Sandbox } from '../../src/sandbox.js';
import { expectContract, T0, testSandbox } from '../support/harness.js';


export const ORG_1 = 'org_Xk7d2pQR9m3nBwYz';
export const ORG_2 = 'org_Zq8LmN4vT2sRkW7c';
/** The reference example's ids, fixtures of the first organization. */
export const VEHICLE_1 = 'veh_pNvehE6O1KjY2W6Omq9MD3QAEs5w';
export const ENTITY_1 = 'ent_H0hdMOc5E5QMTEcGVZKegvLNCB6p';
export const ENTITY_1_PMI = 'pmi_2uEx5P1J2aQsoPbxxaQEvicpY7SG';
export const CONTACT_1 = 'cnt_tSfCZrNE8O3c4QATSkzuCljMZ2DI';
/** The second organization's fixtures. */
export const VEHICLE_2 = 'veh_TWMtlIBF6Glvlkl3NBUQDtRT0aPZ';
export const ENTITY_2 = 'ent_MXWsphLb9jx4dCfLeh22bjHmaIHf';
export const CONTACT_2 = 'cnt_OWmMcsbaue52yBOBvihDg4Mg2a82';

export const SANDBOX_CLIENT = { id: 'sandbox_client', secret: 'sandbox_secret' } as const;
export const MULTI_ORG_CLIENT = { id: 'multi_org_client', secret: 'multi_org_secret' } as const;
type ClientCredentials = { id: string; secret: string };

/** The sandbox's app, however it was built. */
export type HasApp = Pick<Sandbox, 'app'>;

export function basicAuth(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

/** `POST /oauth/token` with a form body; the answer is checked against the spec. */
export async function tokenRequest(sb: HasApp, form: Record<string, string>, authorization?: string): Promise<request.Response> {
  let req = request(sb.app).post('/oauth/token').type('form');
  if (authorization) req = req.set('Authorization', authorization);
  const res = await req.send(form);
  expectContract('nova', res);
  return res;
}

/** A fresh access token for a fixture client (optionally bound to an organization). */
export async function tokenFor(sb: HasApp, client: ClientCredentials = SANDBOX_CLIENT, organization?: string): Promise<string> {
  const form: Record<string, string> = { grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret };
  if (organization) form.organization = organization;
  const res = await tokenRequest(sb, form);
  expect(res.status).toBe(200);
  return res.body.access_token as string;
}

export interface CallOptions {
  organization?: string;
  idempotencyKey?: string;
  /** Extra headers; an array sends the header once per value. */
  headers?: Record<string, string | string[]>;
}

/**
 * A Nova caller holding a token: every request carries it, and every answer is checked
 * against `openapi/nova.yaml`.
 */
export class NovaClient {
  constructor(
    readonly app: Express,
    readonly token: string,
    readonly defaults: CallOptions = {},
  ) {}

  static async for(sb: HasApp, client: ClientCredentials = SANDBOX_CLIENT, defaults: CallOptions = {}): Promise<NovaClient> {
    return new NovaClient(sb.app, await tokenFor(sb, client), defaults);
  }

  /** The same caller acting with other defaults (another organization, say). */
  with(defaults: CallOptions): NovaClient {
    return new NovaClient(this.app, this.token, { ...this.defaults, ...defaults });
  }

  get(path: string, options: CallOptions = {}): Promise<request.Response> {
    return this.send('get', path, undefined, options);
  }

  post(path: string, body: unknown, options: CallOptions = {}): Promise<request.Response> {
    return this.send('post', path, body, options);
  }

  /** The request unsent, for firing many at once. */
  prepare(method: 'get' | 'post', path: string, body?: unknown, options: CallOptions = {}): request.Test {
    const o = { ...this.defaults, ...options };
    let req = request(this.app)[method](path).set('Authorization', `Bearer ${this.token}`);
    if (o.organization) req = req.set('X-Organization-Id', o.organization);
    if (o.idempotencyKey !== undefined) req = req.set('Idempotency-Key', o.idempotencyKey);
    if (o.headers) req = req.set(o.headers);
    if (body !== undefined) req = req.send(body as object);
    return req;
  }

  private async send(method: 'get' | 'post', path: string, body: unknown, options: CallOptions): Promise<request.Response> {
    const res = await this.prepare(method, path, body, options);
    expectContract('nova', res);
    return res;
  }
}

/** Why a body is not Nova's error envelope (`components.schemas.Error`); empty when it is. */
export function errorEnvelopeProblems(body: unknown): string[] {
  return ResponseContract.for('nova').checkSchema('Error', body).problems;
}

/**
 * For answers to paths or methods the spec does not document (so `expectContract` has no
 * operation to check against): the body must still be Nova's error envelope, with this code.
 */
export function expectNovaError(res: request.Response, status: number, code: string): void {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
  expect(errorEnvelopeProblems(res.body)).toEqual([]);
}

/** Counts of everything a create could leave behind: equal before and after, nothing was created. */
export async function novaCounts(sb: Pick<Sandbox, 'store'>): Promise<Record<string, number>> {
  const { store } = sb;
  return { distributions: await store.count('novaDistributions'), payments: await store.count('novaPayments'), entities: await store.count('novaEntities'), contacts: await store.count('novaContacts') };
}

/** The reference's own example request, as embedded in `openapi/nova.yaml`. */
export function referenceExample(): Record<string, unknown>[] {
  const post = loadSpec('nova').paths['/v1/distributions']?.post as { requestBody: { content: { 'application/json': { examples: { reference: { value: Record<string, unknown>[] } } } } } };
  return structuredClone(post.requestBody.content['application/json'].examples.reference.value);
}

/** One distribution item paying `entity` of `vehicle`, with overrides. */
export function distributionItem(overrides: Record<string, unknown> = {}, vehicle = VEHICLE_1, entity = ENTITY_1): Record<string, unknown> {
  return {
    name: 'Q2 distribution',
    distribution_date: '2024-06-30T00:00:00Z',
    vehicle,
    payments: [{ amount: 2500, currency: 'USD', entity }],
    ...overrides,
  };
}

/**
 * Persistence whose writes the test controls: `hold()` makes every write wait until
 * `release()`, `failNext` makes the next writes reject. Used to keep a request in flight, or
 * to make a handler fail with a 500, deterministically.
 */
export class ControlledPersistence implements Persistence<SandboxData> {
  failNext = 0;
  /** Writes now waiting for `release()`. */
  waiting = 0;
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;
  private arrived: (() => void) | undefined;

  /** From now on writes wait; resolves once the first of them is waiting. */
  hold(): Promise<void> {
    this.gate = new Promise((resolve) => (this.open = resolve));
    return new Promise((resolve) => (this.arrived = resolve));
  }

  release(): void {
    this.open?.();
    this.gate = undefined;
  }

  async load(): Promise<undefined> {
    return undefined;
  }

  async append(_ops: readonly StoreOp[]): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('disk full');
    }
    if (!this.gate) return;
    this.waiting++;
    this.arrived?.();
    await this.gate;
    this.waiting--;
  }

  async replace(): Promise<void> {}
  async close(): Promise<void> {}
}

/** An app over a store written through `persistence` (seed 1, clock frozen at T0). */
export async function appWithPersistence(persistence: Persistence<SandboxData>): Promise<{ app: Express; store: EmbeddedStore<SandboxData>; clock: SandboxClock }> {
  const random = createRandom(1);
  const fixtures = Object.assign({}, ...API_MODULES.map((api) => api.fixtures(random))) as SandboxData;
  const store = await EmbeddedStore.open<SandboxData>({ fixtures: () => structuredClone(fixtures), schemas: sandboxSchemas(), persistence });
  const clock = new SandboxClock({ frozenAt: T0 });
  return { app: createApp({ store, clock, ids: new IdFactory(random), random }), store, clock };
}

/**
 * Resolves once `done()` holds, checking after each turn of the event loop (I/O included), and
 * fails if it never does: waiting on something the test cannot await, without a clock.
 */
export async function turnsUntil(done: () => boolean, maxTurns = 10_000): Promise<void> {
  for (let turn = 0; turn < maxTurns && !done(); turn++) await new Promise((resolve) => setImmediate(resolve));
  expect(done()).toBe(true);
}

/**
 * One sandbox for the enclosing suite, back at its fixtures before each test, with a fresh
 * `sandbox_client` token: hands both to `use` (the suite keeps them in its own variables).
 *
 * @example
 * let sb: Sandbox;
 * let client: NovaClient;
 * freshNovaForEachTest((s, c) => ((sb = s), (client = c)));
 */
export function freshNovaForEachTest(use: (sb: Sandbox, client: NovaClient) => void): void {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await testSandbox();
  });
  beforeEach(async () => {
    await sb.reset();
    use(sb, await NovaClient.for(sb));
  });
}
