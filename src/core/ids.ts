import type { Faker } from '@faker-js/faker';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Id factories drawn from the app's seeded faker, so ids repeat run to run under `--seed`.
 *
 * @example
 * const ids = new IdFactory(createRandom(1));
 * ids.uuid();          // '3f2c…' (RFC 4122 v4)
 * ids.prefixed('dst'); // 'dst_Q3n…' (28 alphanumerics, the reference's id length)
 */
export class IdFactory {
  constructor(private readonly random: Faker) {}

  uuid(): string {
    return this.random.string.uuid();
  }

  prefixed(prefix: string, length = 28): string {
    return `${prefix}_${this.random.string.fromCharacters(ALPHANUMERIC, length)}`;
  }

  /** A short, human-friendly reference, e.g. Nova's `short_id`. */
  short(length = 8): string {
    return this.random.string.fromCharacters('ABCDEFGHJKLMNPQRSTUVWXYZ23456789', length);
  }
}
