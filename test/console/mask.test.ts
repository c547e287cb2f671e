import { expect, test } from '@jest/globals';
import { MASK, maskQuery, maskValue, SecretSet } from '../../src/console/mask.js';

// Which names hold a secret is remembered per name (the names repeat from row to row), and only
// up to a bound, since a client picks them: past the bound every name is still judged, afresh.
test('secret-named fields are masked whether or not their name was seen before, past the bound of remembered names too', () => {
  const secrets = new SecretSet();
  const many: Record<string, string> = {};
  for (let i = 0; i < 3000; i++) many[`field_${i}`] = `value ${i}`;
  expect(maskValue(many, secrets)).toEqual(many); // 3,000 plain names: more than are remembered
  const body = { client_secret: 'topsecret-1', nested: { api_key: 'key-2222', note: 'keep' }, password_hint: 'h' };
  secrets.addFields(body);
  expect(maskValue(body, secrets)).toEqual({ client_secret: MASK, nested: { api_key: MASK, note: 'keep' }, password_hint: MASK });
  expect(secrets.scrub('echo topsecret-1 and key-2222')).toBe(`echo ${MASK} and ${MASK}`);
  expect(maskQuery('?access_token=abc&field_2999=x', secrets)).toBe(`?access_token=${encodeURIComponent(MASK)}&field_2999=x`);
});

test('a workspace key is masked wherever it appears, and text without one is returned as it is', () => {
  const secrets = new SecretSet();
  const key = 'wsk_AbCdEfGh12345678_s3cr3t-Value';
  expect(secrets.scrub(`Bearer ${key} then more`)).toBe(`Bearer ${MASK} then more`);
  const plain = 'nothing to hide: wsk_short';
  expect(secrets.scrub(plain)).toBe(plain);
});
