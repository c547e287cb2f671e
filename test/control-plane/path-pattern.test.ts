import { describe, expect, test } from '@jest/globals';
import { compilePathPattern } from '../../src/control-plane/path-pattern.js';

describe('fault path patterns', () => {
  test.each([
    ['/v3/custody/distributions', '/v3/custody/distributions', true],
    ['/v3/custody/distributions', '/v3/custody/distributions/', true], // a trailing slash is tolerated
    ['/v3/custody/distributions', '/v3/custody/distributions/x', false],
    ['/v3/custody/distributions', '/v3/custody/distribution', false],
    ['/v1/distributions/{distribution_id}', '/v1/distributions/dst_1', true],
    ['/v1/distributions/{distribution_id}', '/v1/distributions/', false], // a segment has at least one character
    ['/v1/distributions/{distribution_id}', '/v1/distributions/a/b', false], // and no slash
    ['/v1/distributions/{distribution_id}/payments', '/v1/distributions/dst_1/payments', true],
    ['/v1/*', '/v1/a/b/c', true],
    ['/v1/*', '/v1/', true],
    ['/v1/*', '/v2/a', false],
    ['*', '/anything/at/all', true],
    ['/v1/**/payments', '/v1/distributions/dst_1/payments', true],
    ['/v1/*/payments', '/v1/distributions/dst_1/payment', false],
    ['/v1/x.y+(z)', '/v1/x.y+(z)', true], // regex metacharacters are literal
    ['/v1/x.y', '/v1/xzy', false],
  ])('%s matches %s: %s', (pattern, path, expected) => {
    expect(compilePathPattern(pattern).test(path)).toBe(expected);
  });

  test('a pattern built to make a backtracking matcher explode is answered at once', () => {
    // As a regular expression this pattern took 95 s against this 44-character path; the
    // state machine reads the path once. (The test's own timeout is the guard.)
    const pattern = compilePathPattern(`/v1/${'*a'.repeat(200)}b`);
    const path = `/v1/${'a'.repeat(8000)}`;

    expect(pattern.test(path)).toBe(false);
    expect(pattern.test(`${path}b`)).toBe(true);
  });

  test('literalPrefix and exact describe what every match starts with', () => {
    expect(compilePathPattern('/v1/distributions/{id}').literalPrefix).toBe('/v1/distributions/');
    expect(compilePathPattern('*').literalPrefix).toBe('');
    expect(compilePathPattern('/v3/custody/distributions').exact).toBe(true);
    expect(compilePathPattern('/v3/*').exact).toBe(false);
  });
});
