import { Faker, en } from '@faker-js/faker';

/**
 * A faker of the app's own, so two apps in one process (parallel tests) never share a random
 * stream, and `--seed` makes generated data and ids reproducible.
 *
 * @example
 * const a = createRandom(42).string.uuid();
 * const b = createRandom(42).string.uuid(); // a === b
 */
export function createRandom(seed?: number): Faker {
  const faker = new Faker({ locale: [en] });
  if (seed !== undefined) faker.seed(seed);
  return faker;
}
