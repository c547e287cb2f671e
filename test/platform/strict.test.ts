import { describe, expect, test } from '@jest/globals';
import express from 'express';
import request from 'supertest';
import { norcapApi } from '../../src/apis/norcap/index.js';
import { strictResponses } from '../../src/core/contract/strict.js';
import { resolveRequest } from '../../src/core/pipeline/resolve-request.js';
import type { Sandbox } from '../../src/sandbox.js';
import { create, get, item, PATH, SANDBOX_AUTH } from '../norcap/helpers.js';
import { ENTITY_1, tokenFor } from '../nova/helpers.js';
import { expectContract, testSandbox } from '../support/harness.js';

/** Stores a distribution whose amount is a string: every read of it drifts from the spec. */
async function storeDriftingDistribution(sb: Sandbox): Promise<string> {
  const res = await create(sb, item());
  const distribution = { ...res.body.distributions[0], amountCents: 'twelve' };
  await sb.store.commit((tx) => tx.put('norcapDistributions', distribution.id, { owner: 'sandbox', distribution }));
  return distribution.id as string;
}

describe('--strict: responses are checked against the spec before they leave', () => {
  test('a body that drifts from the spec becomes a 500 in the NorCap envelope naming the violation', async () => {
    const sb = await testSandbox({ strict: true });
    const id = await storeDriftingDistribution(sb);

    const res = await get(sb, `${PATH}/${id}`);

    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      statusCode: '1500',
      statusDesc: "Internal server error: the sandbox's response breaks openapi/norcap.yaml (strict mode): getDistribution 200: body/distribution/amountCents must be integer",
    });
  });

  test('a Nova body that drifts becomes a 500 in Nova\'s envelope naming the violation', async () => {
    const sb = await testSandbox({ strict: true });
    const token = await tokenFor(sb);
    const record = await sb.store.get('novaEntities', ENTITY_1) as { object: Record<string, unknown> };
    // Deliberately off the schema (a numeric name), so the cast.
    await sb.store.commit((tx) => tx.put('novaEntities', ENTITY_1, { ...record, object: { ...record.object, name: 42 } } as never));

    const res = await request(sb.app).get(`/v1/entities/${ENTITY_1}`).set('Authorization', `Bearer ${token}`);

    expectContract('nova', res);
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      error: {
        code: 'contract_violation',
        message: "Internal server error: the sandbox's response breaks openapi/nova.yaml (strict mode): getEntity 200: body/name must be string",
      },
    });
  });

  test('without --strict the same drift goes out unchecked (what strict mode exists to catch)', async () => {
    const sb = await testSandbox();
    const id = await storeDriftingDistribution(sb);

    const res = await request(sb.app).get(`${PATH}/${id}`).set('Authorization', SANDBOX_AUTH);

    expect(res.status).toBe(200);
    expect(res.body.distribution.amountCents).toBe('twelve');
  });

  test('responses that follow the spec, errors included, pass unchanged', async () => {
    const sb = await testSandbox({ strict: true });
    const created = await create(sb, item());
    expect(created.status).toBe(200);
    const list = await get(sb, PATH);
    expect(list.status).toBe(200);
    expect(list.body.custody_distributions).toEqual(created.body.distributions);
    const invalid = await create(sb, item({ amountCents: 'x' }));
    expect(invalid.status).toBe(400);
    expect(invalid.body.statusCode).toBe('1400');
    const unauthenticated = await request(sb.app).get(PATH);
    expectContract('norcap', unauthenticated);
    expect(unauthenticated.status).toBe(401);
  });

  test('an undocumented status from a handler is a violation too; undocumented routes are left alone', async () => {
    const app = express();
    app.use(resolveRequest([])); // strict mode reads the operation the door resolved
    app.use(strictResponses(norcapApi));
    app.post(PATH, (_req, res) => {
      res.status(201).json({ statusCode: '101', statusDesc: 'Ok', distributions: [] });
    });
    app.get('/v3/custody/other', (_req, res) => {
      res.status(404).json({ anything: true });
    });

    const drifted = await request(app).post(PATH).send({});
    expect(drifted.status).toBe(500);
    expect(drifted.body.statusDesc).toContain('createDistributions does not document status 201');
    const undocumented = await request(app).get('/v3/custody/other');
    expect(undocumented.status).toBe(404);
    expect(undocumented.body).toEqual({ anything: true });
  });
});
