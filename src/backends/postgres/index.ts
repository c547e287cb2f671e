import type { CollectionSchemas } from '../../core/store/record-store.js';
import type { Collections } from '../../core/store/types.js';
import { migrate } from './migrations.js';
import { createPool, type PoolOptions } from './pool.js';
import { PostgresRecordStore } from './record-store.js';

export { MIGRATIONS, migrate, type Migration } from './migrations.js';
export { createPool, inTransaction, isUnavailable, toStoreError, type PoolOptions } from './pool.js';
export { PostgresRecordStore, pageStatement, type PostgresRecordStoreOptions } from './record-store.js';

export interface OpenPostgresOptions<D extends Collections> extends PoolOptions {
  /** Default: 'default'. */
  workspace?: string;
  schemas: CollectionSchemas<D>;
  fixtures: () => D;
  /** Collections only the fixtures write (see `PostgresRecordStoreOptions.fixed`). */
  fixed?: readonly (keyof D & string)[];
}

/**
 * Connects, brings the schema up to date and seeds the workspace's fixtures if no instance has
 * yet: safe to run from many instances at once (each step is one transaction under an advisory
 * lock). Rejects with `StoreUnavailableError` when the database cannot be reached, within
 * `connectionTimeoutMs`.
 *
 * @example
 * const store = await openPostgres({ url: process.env.DATABASE_URL, schemas, fixtures });
 * await store.get('norcapDistributions', id);
 * await store.close();
 */
export async function openPostgres<D extends Collections>(options: OpenPostgresOptions<D>): Promise<PostgresRecordStore<D>> {
  const pool = createPool(options);
  try {
    await migrate(pool, options.schema);
    const store = new PostgresRecordStore<D>({
      pool,
      workspace: options.workspace ?? 'default',
      schemas: options.schemas,
      fixtures: options.fixtures,
      ...(options.fixed && { fixed: options.fixed }),
      ownsPool: true,
    });
    await store.seed();
    return store;
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
}
