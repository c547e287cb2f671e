import { readFileSync } from 'node:fs';
import { packagePath } from './paths.js';

/**
 * Reads one of the package's own fixture files (`fixtures/<name>.json`). The project ships its
 * fixtures; nothing outside the package is ever read.
 */
export function readFixtureFile<T>(name: string): T {
  return JSON.parse(readFileSync(packagePath('fixtures', `${name}.json`), 'utf8')) as T;
}

/** Turns a list of records into a collection keyed by `id` (or another key). */
export function byKey<T, K extends keyof T>(records: readonly T[], key: K): Record<string, T> {
  const out: Record<string, T> = {};
  for (const record of records) out[String(record[key])] = record;
  return out;
}
