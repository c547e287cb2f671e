import { createHash } from 'node:crypto';
import pg from 'pg';
import { StoreUnavailableError } from '../../core/store/errors.js';
import { toStoreError } from './pool.js';
import { quoteIdent } from './quote.js';

/** The application_name of the console's connection: what tells its statements from the request pool's (pg_stat_activity, the round-trip tests). */
export const CONSOLE_APPLICATION_NAME = 'fund-distribution-sandbox console';

export interface ConsoleChannelOptions {
  url: string;
  schema?: string;
  /** Server-side limit per statement (default 5000 ms), as the pool's. */
  statementTimeoutMs?: number;
  /** Told when the connection is lost (once per outage) and when it is back. Default: a process warning. */
  log?: (message: string) => void;
}

/** What a workspace's log is told by the channel. */
export interface ChannelListener {
  /** An instance (this one too) wrote rows of the workspace, up to id `last`. */
  notified(last: number): void;
  /** The connection is back after a loss: notifications may have been missed meanwhile. */
  reconnected(): void;
}

/** What a workspace's shared state is told by the channel (`PostgresSharedState`). */
export interface StateListener {
  /** The workspace's shared state changed (migration 7's trigger): its version is now at least `version`. */
  changed(version: number): void;
  /** The connection was lost or is back: changes may have been missed meanwhile. */
  missed(): void;
}

const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 5000;

/**
 * The console's own connection to PostgreSQL, apart from the request pool: the shared logs
 * (console-rows.ts) write their batches and read rows back on it, and it LISTENs on the
 * schema's channel, where every write is announced with the workspace id and its last row id,
 * and every change of a workspace's shared state with its new version (migration 7). One per
 * process, whatever the number of workspaces. NOTIFY is per database, not per schema, so the
 * channel's name is derived from the schema: suites (or deployments) in other schemas of the
 * same database never hear each other.
 *
 * Losing the connection never throws out of here: queries fail with `StoreUnavailableError`
 * until it is back (retried with a growing delay, up to 5 s), then every listener is told to
 * catch up.
 *
 * @example
 * const channel = await ConsoleChannel.open({ url, schema });
 * channel.listen('default', { notified: (last) => fetchUpTo(last), reconnected: catchUp });
 * await channel.query(`SELECT pg_notify($1, json_build_object('workspace', $2::text, 'last', 7)::text)`, [channel.name, 'default']);
 * await channel.close();
 */
export class ConsoleChannel {
  /** The channel's name (pg_notify's first argument). */
  name = '';
  private client: pg.Client | undefined;
  private closed = false;
  private down = false;
  private retryMs = RETRY_FIRST_MS;
  private retry: NodeJS.Timeout | undefined;
  private readonly listeners = new Map<string, Set<ChannelListener>>();
  private readonly stateListeners = new Map<string, Set<StateListener>>();
  private readonly log: (message: string) => void;

  private constructor(private readonly options: ConsoleChannelOptions) {
    this.log = options.log ?? ((message) => process.emitWarning(message));
  }

  /** Connects and listens; rejects (`StoreUnavailableError`) when the database cannot be reached. */
  static async open(options: ConsoleChannelOptions): Promise<ConsoleChannel> {
    const channel = new ConsoleChannel(options);
    try {
      await channel.connect();
    } catch (error) {
      throw toStoreError(error);
    }
    return channel;
  }

  /** Whether the connection is up now. */
  get connected(): boolean {
    return this.client !== undefined;
  }

  /** One statement on this connection; `StoreUnavailableError` while it is down. */
  async query<R>(text: string, values: unknown[] = []): Promise<R[]> {
    const client = this.client;
    if (!client) throw new StoreUnavailableError('the state store (PostgreSQL) is unavailable: the console connection is down');
    try {
      return (await client.query(text, values)).rows as R[];
    } catch (error) {
      throw toStoreError(error);
    }
  }

  /** Tells `listener` of the workspace's writes; returns the function that stops it. */
  listen(workspace: string, listener: ChannelListener): () => void {
    return subscribe(this.listeners, workspace, listener);
  }

  /**
   * Tells `listener` of every change of the workspace's shared state, and of every loss of the
   * connection (told at once, so a copy kept on the strength of the notifications is dropped
   * before any change could go unheard); returns the function that stops it.
   */
  listenState(workspace: string, listener: StateListener): () => void {
    return subscribe(this.stateListeners, workspace, listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const statementTimeoutMs = this.options.statementTimeoutMs ?? 5000;
    const client = new pg.Client({
      connectionString: this.options.url,
      connectionTimeoutMillis: 2000,
      statement_timeout: statementTimeoutMs,
      query_timeout: statementTimeoutMs + 1000,
      application_name: CONSOLE_APPLICATION_NAME,
      ...(this.options.schema !== undefined && { options: `-c search_path=${quoteIdent(this.options.schema)}` }),
    });
    // Without an error listener a dropped connection would crash the process.
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, undefined));
    client.on('notification', (message) => {
      if (message.channel !== this.name || message.payload === undefined) return;
      const payload = parsePayload(message.payload);
      if ('state' in payload) for (const listener of this.stateListeners.get(payload.workspace) ?? []) listener.changed(payload.state);
      else for (const listener of this.listeners.get(payload.workspace) ?? []) listener.notified(payload.last);
    });
    try {
      await client.connect();
      if (this.name === '') {
        const { rows } = await client.query<{ schema: string }>('SELECT current_schema() AS schema');
        this.name = channelName(rows[0]?.schema ?? 'public');
      }
      await client.query(`LISTEN ${this.name}`);
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.retryMs = RETRY_FIRST_MS;
    for (const set of this.stateListeners.values()) for (const listener of set) listener.missed();
    if (this.down) {
      this.down = false;
      this.log('the console connection to PostgreSQL is back: catching up on the shared journal');
      for (const set of this.listeners.values()) for (const listener of set) listener.reconnected();
    }
  }

  private lost(client: pg.Client, error: Error | undefined): void {
    if (this.client !== client) return; // an old connection, or one that never got going
    this.client = undefined;
    void client.end().catch(() => undefined);
    for (const set of this.stateListeners.values()) for (const listener of set) listener.missed();
    if (this.closed) return;
    if (!this.down) {
      this.down = true;
      this.log(`the console connection to PostgreSQL was lost (${error?.message ?? 'ended'}): the shared journal waits, and reconnects`);
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    this.retry = setTimeout(() => {
      this.connect().catch(() => {
        this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
        this.scheduleReconnect();
      });
    }, this.retryMs);
    this.retry.unref();
  }
}

function subscribe<L>(listeners: Map<string, Set<L>>, workspace: string, listener: L): () => void {
  let set = listeners.get(workspace);
  if (!set) listeners.set(workspace, (set = new Set()));
  set.add(listener);
  return () => {
    set.delete(listener);
    if (set.size === 0) listeners.delete(workspace);
  };
}

/**
 * The payload a journal write sends (`notifyPayload` in SQL), `{"workspace": id, "last": n}`,
 * or a change of the shared state (migration 7's `sandbox_state_bump`), `{"workspace": id, "state": version}`.
 */
function parsePayload(payload: string): { workspace: string; last: number } | { workspace: string; state: number } {
  try {
    const parsed = JSON.parse(payload) as { workspace?: unknown; last?: unknown; state?: unknown };
    if (parsed.state !== undefined) return { workspace: String(parsed.workspace), state: Number(parsed.state) };
    return { workspace: String(parsed.workspace), last: Number(parsed.last) };
  } catch {
    return { workspace: '', last: 0 };
  }
}

/** A channel per schema: a plain lower-case identifier, so LISTEN needs no quoting. */
function channelName(schema: string): string {
  return `fund_sandbox_console_${createHash('sha256').update(schema).digest('hex').slice(0, 16)}`;
}
