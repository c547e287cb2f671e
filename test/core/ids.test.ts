import { describe, expect, test } from '@jest/globals';
import { IdFactory } from '../../src/core/ids.js';
import { createRandom } from '../../src/core/random.js';
import { hashToken } from '../../src/apis/nova/tokens.js';
import { createHash } from 'node:crypto';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('IdFactory', () => {
  test('seeded: the same ids run to run', () => {
    const a = new IdFactory(createRandom(7), { seeded: true });
    const b = new IdFactory(createRandom(7), { seeded: true });
    const draw = (ids: IdFactory) => [ids.uuid(), ids.prefixed('dst'), ids.short()];
    expect(draw(a)).toEqual(draw(b));
  });

  test('unseeded: from the OS, well formed, never repeated, every character of the alphabet used evenly', () => {
    const ids = new IdFactory(createRandom(), { seeded: false });
    const uuids = new Set(Array.from({ length: 5000 }, () => ids.uuid()));
    expect(uuids.size).toBe(5000);
    for (const id of [...uuids].slice(0, 100)) expect(id).toMatch(UUID_V4);

    const prefixed = Array.from({ length: 5000 }, () => ids.prefixed('cnt'));
    expect(new Set(prefixed).size).toBe(5000);
    for (const id of prefixed) expect(id).toMatch(/^cnt_[A-Za-z0-9]{28}$/);
    // 140,000 characters over 62: each about 2258 times; a modulo bias or a stuck byte would show.
    const counts = new Map<string, number>();
    for (const id of prefixed) for (const c of id.slice(4)) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(62);
    for (const n of counts.values()) expect(Math.abs(n - 140_000 / 62)).toBeLessThan(300);

    for (let i = 0; i < 200; i++) expect(ids.short()).toMatch(/^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{8}$/);
  });

  test('unseeded ids differ between two factories (no shared seed)', () => {
    expect(new IdFactory(createRandom(), { seeded: false }).prefixed('x')).not.toBe(new IdFactory(createRandom(), { seeded: false }).prefixed('x'));
  });
});

describe('hashToken', () => {
  test('is the SHA-256 of the token, remembered or not, past the memo bound too', () => {
    const sha = (t: string) => createHash('sha256').update(t).digest('hex');
    for (let i = 0; i < 3000; i++) expect(hashToken(`token-${i % 1500}`)).toBe(sha(`token-${i % 1500}`));
  });
});
