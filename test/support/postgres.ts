import { randomBytes } from 'node:crypto';
import { describe, test } from '@jest/globals';
import pg from 'pg';

/**
 * PostgreSQL for the tests, from `DATABASE_URL` (`eval "$(scripts/test-postgres.sh start)"`
 * starts a throwaway one; `.ci/run` does). Without it, PostgreSQL suites are skipped with a
 * notice locally and fail under `CI=true`, so CI can never pass without running them.
 */
export const databaseUrl: string | undefined = process.env.DATABASE_URL || undefined;

const HOW_TO =
  'PostgreSQL tests need DATABASE_URL: run `eval "$(scripts/test-postgres.sh start)"` first ' +
  '(a throwaway cluster in a temporary folder; `scripts/test-postgres.sh stop` removes it).';

let noticePrinted = false;

/** `describe` for a suite that needs PostgreSQL (see above for what happens without one). */
export function describePostgres(name: string, body: () => void): void {
  if (databaseUrl) {
    describe(name, body);
    return;
  }
  if (process.env.CI === 'true') {
    describe(name, () => {
      test('has a PostgreSQL to run against', () => {
        throw new Error(`DATABASE_URL is not set under CI=true. ${HOW_TO}`);
      });
    });
    return;
  }
  if (!noticePrinted) {
    noticePrinted = true;
    console.warn(`Skipping PostgreSQL suites. ${HOW_TO}`);
  }
  describe.skip(name, body);
}

/** A schema of its own for one suite: unique name, created on first use by the migrations, dropped by `drop`. */
export interface TestSchema {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

/** A fresh, uniquely named schema (not created yet: `openPostgres({ schema })` creates it). */
export function testSchema(): TestSchema {
  const url = requireUrl();
  const name = `test_${process.pid}_${randomBytes(4).toString('hex')}`;
  return {
    name,
    url,
    drop: () => withAdmin((client) => client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`)).then(() => undefined),
  };
}

/** One connection outside any store, for setup and inspection (search_path: `schema` when given). */
export async function withAdmin<T>(work: (client: pg.Client) => Promise<T>, schema?: string): Promise<T> {
  const client = new pg.Client({ connectionString: requireUrl(), ...(schema && { options: `-c search_path=${schema}` }) });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function requireUrl(): string {
  if (!databaseUrl) throw new Error(HOW_TO);
  return databaseUrl;
}

/** One statement a pg client sent, with the application_name of its connection (the request pool's or the console's). */
export interface SentStatement {
  app: string;
  text: string;
  /** The prepared statement's name, when it was sent as one (`{ name, text, values }`). */
  name?: string;
  /** Whether it carried parameters (the extended protocol). */
  parameterized: boolean;
  /** Its parameters, when it carried any. */
  values?: unknown[];
}

/**
 * Records every statement any pg client sends (node-postgres sends one per round trip) until
 * `stop()`. `sent` is emptied by assigning `recorder.sent.length = 0`.
 *
 * @example
 * const recorder = recordStatements(); …; recorder.sent.filter((s) => s.app !== CONSOLE_APPLICATION_NAME); recorder.stop();
 */
export function recordStatements(): { sent: SentStatement[]; stop(): void } {
  const original = pg.Client.prototype.query;
  const sent: SentStatement[] = [];
  pg.Client.prototype.query = function recorded(this: pg.Client, ...args: unknown[]) {
    const first = args[0];
    const app = String((this as unknown as { connectionParameters?: { application_name?: string } }).connectionParameters?.application_name ?? '');
    const config = typeof first === 'object' && first !== null ? (first as { text?: string; name?: string; values?: unknown }) : undefined;
    const name = config?.name;
    const values = Array.isArray(args[1]) ? (args[1] as unknown[]) : Array.isArray(config?.values) ? (config.values as unknown[]) : undefined;
    sent.push({
      app,
      text: typeof first === 'string' ? first : String(config?.text ?? first),
      ...(name !== undefined && { name }),
      parameterized: values !== undefined,
      ...(values !== undefined && { values }),
    });
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  return { sent, stop: () => void (pg.Client.prototype.query = original) };
}
