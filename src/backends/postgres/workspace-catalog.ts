import type { Pool } from 'pg';
import { toStoreError } from './pool.js';
import type { WorkspaceCatalog, WorkspaceRecord } from '../../workspaces/registry.js';

/**
 * The workspace catalog in PostgreSQL (`--database`): every instance finds the workspaces any
 * instance created, and expiry reads one index. Records are JSON as they stand (`json`, not
 * `jsonb`, so they read back exactly as written).
 *
 * @example
 * const catalog = new PostgresWorkspaceCatalog(pool);
 * await catalog.insert(record); await catalog.get(record.id);
 */
export class PostgresWorkspaceCatalog implements WorkspaceCatalog {
  constructor(private readonly pool: Pool) {}

  async insert(record: WorkspaceRecord): Promise<void> {
    await this.query('INSERT INTO workspace_catalog (id, record, last_used_at_ms) VALUES ($1, $2, $3)', [record.id, JSON.stringify(record), record.lastUsedAtMs]);
  }

  async get(id: string): Promise<WorkspaceRecord | undefined> {
    const { rows } = await this.query<{ record: WorkspaceRecord; last_used_at_ms: string }>('SELECT record, last_used_at_ms FROM workspace_catalog WHERE id = $1', [id]);
    const row = rows[0];
    return row && { ...row.record, lastUsedAtMs: Number(row.last_used_at_ms) };
  }

  async delete(id: string): Promise<void> {
    await this.query('DELETE FROM workspace_catalog WHERE id = $1', [id]);
  }

  async touch(id: string, atMs: number): Promise<void> {
    await this.query('UPDATE workspace_catalog SET last_used_at_ms = GREATEST(last_used_at_ms, $2) WHERE id = $1', [id, atMs]);
  }

  async count(): Promise<number> {
    const { rows } = await this.query<{ n: string }>('SELECT count(*) AS n FROM workspace_catalog', []);
    return Number(rows[0]?.n ?? 0);
  }

  async idleSince(beforeMs: number): Promise<string[]> {
    const { rows } = await this.query<{ id: string }>('SELECT id FROM workspace_catalog WHERE last_used_at_ms < $1', [beforeMs]);
    return rows.map((row) => row.id);
  }

  private async query<R extends object>(text: string, values: unknown[]): Promise<{ rows: R[] }> {
    try {
      return await this.pool.query<R & import('pg').QueryResultRow>(text, values);
    } catch (error) {
      throw toStoreError(error);
    }
  }
}
