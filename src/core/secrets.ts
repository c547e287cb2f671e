import { createHash, timingSafeEqual } from 'node:crypto';

const HASHED = 'sha256:';

/**
 * A secret as stored: `sha256:<hex>` of it. Workspace credentials are stored this way (their
 * secrets are shown once, when the workspace is created); the README's fixture credentials
 * stay in plain text, since they are published anyway.
 *
 * @example
 * hashSecret('s3cret'); // 'sha256:…'
 */
export function hashSecret(secret: string): string {
  return `${HASHED}${createHash('sha256').update(secret).digest('hex')}`;
}

/**
 * Whether `presented` is the secret `stored` holds, plain or hashed (constant time for hashed).
 *
 * @example
 * secretMatches(hashSecret('a'), 'a'); // true
 * secretMatches('a', 'a');             // true (a fixture's plain secret)
 */
export function secretMatches(stored: string, presented: string): boolean {
  if (!stored.startsWith(HASHED)) return stored === presented;
  const expected = Buffer.from(stored);
  const actual = Buffer.from(hashSecret(presented));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
