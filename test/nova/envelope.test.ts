import { describe, expect, test } from '@jest/globals';
import request from 'supertest';
import { NOVA_ERROR_CODES, renderNovaError } from '../../src/apis/nova/envelope.js';
import { loadSpec } from '../../src/core/contract/spec.js';
import type { Failure } from '../../src/core/errors.js';
import type { Sandbox } from '../../src/sandbox.js';
import { expectContract } from '../support/harness.js';
import { errorEnvelopeProblems, expectNovaError, NovaClient, referenceExample, freshNovaForEachTest } from './helpers.js';

describe('renderNovaError maps every failure kind to one envelope', () => {
  test.each<[string, Failure, number, string]>([
    ['malformed JSON', { kind: 'malformed_json', status: 400, message: 'request body is not valid JSON' }, 400, 'invalid_request'],
    ['a body too large', { kind: 'body_too_large', status: 413, message: 'request body is too large' }, 413, 'body_too_large'],
    ['a media type', { kind: 'unsupported_media_type', status: 415, message: 'request body must be application/json' }, 415, 'unsupported_media_type'],
    ['a body-level validation', { kind: 'validation', status: 400, message: 'request body must be array' }, 400, 'invalid_request'],
    ['an absent field', { kind: 'validation', status: 400, field: '[0].name', message: '[0].name is required' }, 400, 'parameter_missing'],
    ['a bad field', { kind: 'validation', status: 400, field: '[0].name', message: '[0].name must be string' }, 400, 'parameter_invalid'],
    ['no organization', { kind: 'validation', status: 400, code: 'organization_required', field: 'X-Organization-Id', message: 'X-Organization-Id is required' }, 400, 'organization_required'],
    ['no credentials', { kind: 'unauthenticated', status: 401, message: 'an access token is required' }, 401, 'unauthorized'],
    ['a bad token', { kind: 'unauthenticated', status: 401, code: 'invalid_token', message: 'the access token expired' }, 401, 'invalid_token'],
    ['a forbidden organization', { kind: 'forbidden', status: 403, field: 'X-Organization-Id', message: 'no' }, 403, 'forbidden'],
    ['a missing resource', { kind: 'not_found', status: 404, field: 'entity_id', message: "no such entity: 'ent_x'" }, 404, 'resource_missing'],
    ['a missing route', { kind: 'not_found', status: 404, message: 'no such route' }, 404, 'route_not_found'],
    ['a wrong method', { kind: 'method_not_allowed', status: 405, message: 'method not allowed' }, 405, 'method_not_allowed'],
    ['a rule with its code', { kind: 'rule', status: 500, code: 'contract_violation', message: 'strict mode' }, 500, 'contract_violation'],
    ['a rule with a foreign code', { kind: 'rule', status: 409, code: 'not_a_nova_code', message: 'x' }, 409, 'invalid_request'],
    ['an idempotency mismatch', { kind: 'idempotency_mismatch', status: 409, message: 'x' }, 409, 'idempotency_mismatch'],
    ['an idempotency conflict', { kind: 'idempotency_conflict', status: 409, message: 'x' }, 409, 'conflict'],
    ['an injected 408', { kind: 'fault', status: 408, message: 'fault' }, 408, 'request_timeout'],
    ['an injected 429', { kind: 'fault', status: 429, message: 'fault' }, 429, 'rate_limited'],
    ['an injected 500', { kind: 'fault', status: 500, message: 'fault' }, 500, 'internal_error'],
    ['an injected 502', { kind: 'fault', status: 502, message: 'fault' }, 502, 'internal_error'],
    ['an injected 503', { kind: 'fault', status: 503, message: 'fault' }, 503, 'service_unavailable'],
    ['an injected 400', { kind: 'fault', status: 400, message: 'fault' }, 400, 'invalid_request'],
    ['an internal error', { kind: 'internal', status: 500, message: 'internal error' }, 500, 'internal_error'],
  ])('%s', (_case, failure, status, code) => {
    const rendered = renderNovaError(failure);

    expect(rendered.status).toBe(status);
    expect(rendered.body).toEqual({ error: { code, message: failure.message, ...(failure.field ? { param: failure.field } : {}) } });
    expect(errorEnvelopeProblems(rendered.body)).toEqual([]);
  });

  test('keeps the failure’s headers (Retry-After of an injected 429); every 401 carries a Bearer challenge', () => {
    expect(renderNovaError({ kind: 'fault', status: 429, message: 'slow down', headers: { 'Retry-After': '7' } }).headers).toEqual({ 'Retry-After': '7' });
    expect(renderNovaError({ kind: 'unauthenticated', status: 401, message: 'x' }).headers).toEqual({ 'WWW-Authenticate': 'Bearer realm="nova"' });
  });

  test('the codes it answers are exactly the ones the spec lists', () => {
    const error = (loadSpec('nova').components?.schemas as Record<string, { properties: { error: { properties: { code: { enum: string[] } } } } }>).Error;
    expect([...NOVA_ERROR_CODES].sort()).toEqual([...(error?.properties.error.properties.code.enum ?? [])].sort());
  });
});

describe('on /oauth/token, the same failures speak RFC 6749', () => {
  const token = { path: '/oauth/token' };

  test.each<[string, Failure, number, string]>([
    ['a validation failure', { kind: 'validation', status: 400, field: 'grant_type', message: 'grant_type is required' }, 400, 'invalid_request'],
    ['malformed JSON', { kind: 'malformed_json', status: 400, message: 'request body is not valid JSON' }, 400, 'invalid_request'],
    ['a body too large', { kind: 'body_too_large', status: 413, message: 'request body is too large' }, 413, 'invalid_request'],
    ['a bad client', { kind: 'unauthenticated', status: 401, code: 'invalid_client', message: 'client authentication failed' }, 401, 'invalid_client'],
    ['an unsupported grant', { kind: 'rule', status: 400, code: 'unsupported_grant_type', message: 'no' }, 400, 'unsupported_grant_type'],
    ['an injected 429', { kind: 'fault', status: 429, message: 'fault' }, 429, 'temporarily_unavailable'],
    ['an injected 503', { kind: 'fault', status: 503, message: 'fault' }, 503, 'temporarily_unavailable'],
    ['an injected 500', { kind: 'fault', status: 500, message: 'fault' }, 500, 'server_error'],
    ['an internal error', { kind: 'internal', status: 500, message: 'internal error' }, 500, 'server_error'],
  ])('%s', (_case, failure, status, error) => {
    const rendered = renderNovaError(failure, token);

    expect(rendered.status).toBe(status);
    expect(rendered.body).toEqual({ error, error_description: failure.message });
    expect(rendered.headers).toMatchObject({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    // A failed client authentication carries the Basic challenge only when the token endpoint
    // adds it (the client tried Basic): the renderer adds none of its own.
    if (status === 401) expect(rendered.headers?.['WWW-Authenticate']).toBeUndefined();
  });
});

describe('body-level failures through the app', () => {
  let sb: Sandbox;
  let client: NovaClient;
  freshNovaForEachTest((s, c) => ((sb = s), (client = c)));

  test('malformed JSON: 400 invalid_request', async () => {
    const res = await client.prepare('post', '/v1/distributions').set('Content-Type', 'application/json').send('[{"name":');
    expectContract('nova', res);

    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'invalid_request', message: 'request body is not valid JSON' } });
  });

  test('a body over 1 MB: 413 body_too_large', async () => {
    const res = await client.prepare('post', '/v1/contacts').set('Content-Type', 'application/json').send(`[${' '.repeat(1024 * 1024)}]`);
    expectContract('nova', res);

    expect(res.status).toBe(413);
    expect(res.body).toEqual({ error: { code: 'body_too_large', message: 'request body is too large' } });
  });

  test('not JSON: 415 unsupported_media_type', async () => {
    const res = await client.prepare('post', '/v1/contacts').set('Content-Type', 'text/plain').send('name=x');
    expectContract('nova', res);

    expect(res.status).toBe(415);
    expect(res.body).toEqual({ error: { code: 'unsupported_media_type', message: 'request body must be application/json' } });
  });

  test('a method the path does not have: 405 method_not_allowed', async () => {
    const res = await request(sb.app).delete('/v1/entities').set('Authorization', `Bearer ${client.token}`);

    expectNovaError(res, 405, 'method_not_allowed');
  });

  test('an injected 503 on a Nova route, then the real answer', async () => {
    await sb.faults.add({ method: 'POST', path: '/v1/distributions', status: 503 });

    const faulted = await client.post('/v1/distributions', referenceExample());
    const real = await client.post('/v1/distributions', referenceExample());

    expect(faulted.status).toBe(503);
    expect(faulted.body.error.code).toBe('service_unavailable');
    expect(real.status).toBe(201);
  });
});
