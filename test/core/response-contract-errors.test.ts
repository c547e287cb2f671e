import { expect, test } from '@jest/globals';
import { ResponseContract } from '../../src/core/contract/responses.js';

// Every error answer of both specs is a `$ref` to `components/responses/…`. The checker used to
// look for a schema on the operation's own response object only, found none there, and passed
// any error body (found by the verify work: a 400 of `{ bogus: 1 }` was "ok"). Every test's
// expectContract, and --strict, now read the shared answer's schema.

test('a NorCap error body is checked against the shared error envelope', () => {
  const norcap = ResponseContract.for('norcap');
  expect(norcap.check('POST', '/v3/custody/distributions', 400, { bogus: 1 }).ok).toBe(false);
  expect(norcap.check('POST', '/v3/custody/distributions', 400, { statusCode: '1400', statusDesc: 'Bad request: x' })).toEqual({ ok: true, problems: [] });
});

test('a Nova error body is checked against its error schema', () => {
  const nova = ResponseContract.for('nova');
  expect(nova.check('GET', '/v1/contacts', 401, { message: 'no' }).ok).toBe(false);
  expect(nova.check('GET', '/v1/contacts', 401, { error: { code: 'unauthorized', message: 'an access token is required' } })).toEqual({ ok: true, problems: [] });
});
