import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Express, RequestHandler } from 'express';
import request from 'supertest';
import { createApp } from '../../src/app.js';
import { IdFactory } from '../../src/core/ids.js';
import { createRandom } from '../../src/core/random.js';
import { StoreUnavailableError } from '../../src/core/store/errors.js';
import type { Sandbox } from '../../src/sandbox.js';
import { PATH, SANDBOX_AUTH } from '../norcap/helpers.js';
import { expectContract, testSandbox } from '../support/harness.js';

// The workspace door runs before the request is resolved (it scopes everything after it). A
// failure there (the workspace catalog unreachable) must still answer in the envelope of the
// API the path belongs to, never express's HTML error page.

let sb: Sandbox;
let failWith: unknown;
let app: Express;
beforeAll(async () => {
  sb = await testSandbox();
  const random = createRandom(1);
  const enter: RequestHandler = (_req, _res, next) => next(failWith);
  app = createApp({ store: sb.store, clock: sb.clock, ids: new IdFactory(random), random }, { enter });
});
afterAll(() => sb.stop());

describe('a failure before the door resolved the request', () => {
  test('an unreachable store: NorCap 503 1503, Nova 503 service_unavailable, the controls a 503 problem', async () => {
    failWith = new StoreUnavailableError();
    const norcap = await request(app).get(PATH).set('Authorization', SANDBOX_AUTH);
    expectContract('norcap', norcap);
    expect(norcap.status).toBe(503);
    expect(norcap.body.statusCode).toBe('1503');
    const nova = await request(app).get('/v1/vehicles');
    expectContract('nova', nova);
    expect({ status: nova.status, code: nova.body.error?.code }).toEqual({ status: 503, code: 'service_unavailable' });
    const controls = await request(app).get('/_sandbox/clock');
    expect(controls.status).toBe(503);
    expect(controls.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  test('anything else is a 500 in the envelope, with no stack and no HTML', async () => {
    failWith = new Error('catalog exploded at /src/workspaces/registry.ts');
    const norcap = await request(app).post(PATH).set('Authorization', SANDBOX_AUTH).send({});
    expect(norcap.status).toBe(500);
    expect(norcap.headers['content-type']).toMatch(/^application\/json/);
    expect(norcap.body.statusCode).toBe('1500');
    expect(norcap.text).not.toMatch(/exploded|registry\.ts|<html/i);
  });
});
