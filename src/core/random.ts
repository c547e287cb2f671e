import type { Faker, LocaleDefinition } from '@faker-js/faker';
import { faker as englishFaker } from '@faker-js/faker/locale/en';

// `@faker-js/faker`'s main entry loads every locale (a quarter of the server's start-up); the
// English entry loads one. It exports a ready instance only, whose class makes our own.
const EnglishFaker = englishFaker.constructor as new (options: { locale: LocaleDefinition[] }) => Faker;

/**
 * A faker of the app's own, so two apps in one process (parallel tests) never share a random
 * stream, and `--seed` makes generated data and ids reproducible.
 *
 * @example
 * const a = createRandom(42).string.uuid();
 * const b = createRandom(42).string.uuid(); // a === b
 */
export function createRandom(seed?: number): Faker {
  const faker = new EnglishFaker({ locale: [englishFaker.rawDefinitions] });
  if (seed !== undefined) faker.seed(seed);
  return faker;
}
