import { describe, expect, test } from '@jest/globals';
import request from 'supertest';
import { testSandbox } from '../support/harness.js';

describe('HEAD on a documented GET', () => {
  test('NorCap: the GET status and headers, no body', async () => {
    const sb = await testSandbox();
    const head = await request(sb.app).head('/v3/custody/distributions').set('Authorization', 'Bearer sandbox:sandbox_api_key');
    expect(head.status).toBe(200);
    expect(head.headers['content-type']).toMatch(/^application\/json/);
    expect(head.text ?? '').toBe('');
    const unauthenticated = await request(sb.app).head('/v3/custody/distributions');
    expect(unauthenticated.status).toBe(401);

    // The journal and coverage count it against the GET it stands for.
    const [latest] = sb.journal.list({ limit: 2 }).entries.reverse();
    expect(latest).toMatchObject({ method: 'HEAD', operation: 'listDistributions', status: 200, matched_contract: true });
    const list = sb.coverage.report().apis.norcap?.operations.find((op) => op.operationId === 'listDistributions');
    expect(list?.statuses).toMatchObject({ '200': 1, '401': 1 });
  });

  test('Nova: the GET status, no body', async () => {
    const sb = await testSandbox();
    const token = await request(sb.app).post('/oauth/token').auth('sandbox_client', 'sandbox_secret').type('form').send({ grant_type: 'client_credentials' });
    const head = await request(sb.app).head('/v1/vehicles').set('Authorization', `Bearer ${token.body.access_token}`);
    expect(head.status).toBe(200);
    expect(head.text ?? '').toBe('');
  });
});
