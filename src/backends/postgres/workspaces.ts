import type { Pool } from 'pg';
import { sandboxFixedCollections, sandboxSchemas, type SandboxData } from '../../apis/index.js';
import type { SandboxClock } from '../../core/clock.js';
import { createPool, migrate, PostgresRecordStore } from './index.js';
import { toStoreError } from './pool.js';
import { PostgresSharedState } from './shared-state.js';
import { ConsoleChannel } from './console-channel.js';
import { PostgresConsoleRows } from './console-rows.js';

export interface PostgresWorkspacesOptions {
  /** `--database`: `postgres://user:password@host:port/database`. */
  url: string;
  /** Schema the tables live in (default: the connection's, normally `public`); tests use one per suite. */
  schema?: string;
}

/** Opens a workspace's store, seeding `fixtures` if no instance has yet. */
export type OpenWorkspaceStore = (workspaceId: string, fixtures: () => SandboxData) => Promise<PostgresRecordStore<SandboxData>>;

/**
 * Everything `--database` opens, over one pool: the schema is migrated once (`open`), then each
 * workspace gets its store (`openStore`, the factory a workspace registry calls) and its shared
 * clock and faults (`openShared`), all keyed by the workspace id. `close()` ends the pool.
 *
 * @example
 * const pg = await PostgresWorkspaces.open({ url: process.env.DATABASE_URL });
 * const store = await pg.openStore('default', () => fixtures);
 * const shared = await pg.openShared('default', { clock, mountPaths });
 * await pg.close();
 */
export class PostgresWorkspaces {
  /** The store opened for each workspace, so its shared state can tell it the workspace is gone (`onGone`). */
  private readonly stores = new Map<string, PostgresRecordStore<SandboxData>>();

  private constructor(
    readonly pool: Pool,
    /** The console's own connection (shared journals), apart from the request pool. */
    private readonly channel: ConsoleChannel,
  ) {}

  /** Connects and brings the schema up to date; rejects with `StoreUnavailableError` when the database cannot be reached. */
  static async open(options: PostgresWorkspacesOptions): Promise<PostgresWorkspaces> {
    const pool = createPool({ url: options.url, ...(options.schema !== undefined && { schema: options.schema }) });
    let channel: ConsoleChannel;
    try {
      await migrate(pool, options.schema);
      channel = await ConsoleChannel.open({ url: options.url, ...(options.schema !== undefined && { schema: options.schema }) });
    } catch (error) {
      await pool.end().catch(() => {});
      throw error;
    }
    return new PostgresWorkspaces(pool, channel);
  }

  /** A workspace's shared journal, console timeline and coverage (written behind, on the console's connection). */
  openJournal(workspaceId: string, options: { capacity: number; clock: SandboxClock }): Promise<PostgresConsoleRows> {
    return PostgresConsoleRows.open({ channel: this.channel, workspace: workspaceId, ...options });
  }

  readonly openStore: OpenWorkspaceStore = async (workspaceId, fixtures) => {
    const store = new PostgresRecordStore<SandboxData>({ pool: this.pool, workspace: workspaceId, schemas: sandboxSchemas(), fixed: sandboxFixedCollections(), fixtures });
    await store.seed();
    this.stores.set(workspaceId, store);
    return store;
  };

  async openShared(workspaceId: string, options: { clock: SandboxClock; mountPaths: readonly string[] }): Promise<PostgresSharedState> {
    const shared = await PostgresSharedState.open({ pool: this.pool, workspace: workspaceId, channel: this.channel, ...options });
    shared.onGone = () => this.stores.get(workspaceId)?.forgetFixed();
    return shared;
  }

  /**
   * The seed a workspace's fixtures are generated from: the first instance's (its `--seed`, or a
   * random one), so every instance generates the same fixtures and a reset on any of them
   * restores what was seeded.
   */
  async fixtureSeed(workspaceId: string, proposed: number): Promise<number> {
    try {
      // Two statements: a second one sees a row another instance committed meanwhile.
      await this.pool.query(`INSERT INTO sandbox_state (workspace, key, value) VALUES ($1, 'seed', to_json($2::int)) ON CONFLICT (workspace, key) DO NOTHING`, [
        workspaceId,
        proposed,
      ]);
      const { rows } = await this.pool.query<{ seed: number }>(`SELECT (value::text)::int AS seed FROM sandbox_state WHERE workspace = $1 AND key = 'seed'`, [workspaceId]);
      return rows[0]?.seed ?? proposed;
    } catch (error) {
      throw toStoreError(error);
    }
  }

  /** Deletes everything workspace `id` keeps: records, claims, shared clock and faults, its seed. */
  async removeWorkspace(workspaceId: string): Promise<void> {
    this.stores.delete(workspaceId);
    const client = await this.pool.connect().catch((error: unknown) => {
      throw toStoreError(error);
    });
    try {
      await client.query('BEGIN');
      for (const table of ['records', 'record_counts', 'idempotency_claims', 'workspaces', 'sandbox_state', 'faults', 'console_rows', 'console_heads', 'console_coverage']) {
        await client.query(`DELETE FROM ${table} WHERE workspace = $1`, [workspaceId]);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw toStoreError(error);
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.channel.close();
    await this.pool.end();
  }
}
