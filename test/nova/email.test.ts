import { describe, expect, test } from '@jest/globals';
import { loadSpec } from '../../src/core/contract/spec.js';
import type { Sandbox } from '../../src/sandbox.js';
import { NovaClient, freshNovaForEachTest } from './helpers.js';

let sb: Sandbox;
let client: NovaClient;
freshNovaForEachTest((s, c) => ((sb = s), (client = c)));

/** The `pattern` openapi/nova.yaml's Email schema carries beside `format: email`. */
function documentedPattern(): RegExp {
  const email = loadSpec('nova').components?.schemas?.Email as { allOf?: { pattern?: string; format?: string }[] } | undefined;
  const pattern = email?.allOf?.find((rule) => rule.pattern !== undefined)?.pattern;
  if (pattern === undefined) throw new Error('openapi/nova.yaml: Email documents no pattern');
  return new RegExp(pattern);
}

describe("Nova's email: the spec says what the server accepts", () => {
  test.each([
    ['ada@example.com', true],
    ['Ada.Lovelace+fund@mail.example.co.uk', true],
    ["o'brien@example.com", true],
    ['ada@localhost', false],
    ['a..b@example.com', false],
    ['.ada@example.com', false],
    ['ada.@example.com', false],
    ['"ada"@example.com', false],
    ['ada@-example.com', false],
    ['ada@[127.0.0.1]', false],
  ])('%s: the documented pattern and the server agree (accepted: %s)', async (email, accepted) => {
    const before = await sb.store.count('novaContacts');
    const res = await client.post('/v1/contacts', [{ name: 'Ada', email }]);

    expect(documentedPattern().test(email)).toBe(accepted);
    if (accepted) {
      expect(res.status).toBe(201);
      expect(res.body.data[0].email).toBe(email);
      expect(await sb.store.count('novaContacts')).toBe(before + 1);
    } else {
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: { code: 'parameter_invalid', message: '[0].email must match format "email"', param: '[0].email' } });
      expect(await sb.store.count('novaContacts')).toBe(before);
    }
  });
});
