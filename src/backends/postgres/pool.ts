import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Pool, PoolClient, QueryConfig } from 'pg';
import { StoreUnavailableError } from '../../core/store/errors.js';
import { quoteIdent } from './quote.js';

export interface PoolOptions {
  /** `postgres://user:password@host:port/database` (a unix socket: `?host=/folder`). */
  url: string;
  /** Schema the tables live in (search_path); default: the server's default (public). */
  schema?: string;
  /** Connections at most (default 10). */
  max?: number;
  /** Give up connecting after this long (default 2000 ms): an unreachable database fails fast. */
  connectionTimeoutMs?: number;
  /**
   * How long a query waits for a free connection when all `max` are busy (default 10,000 ms):
   * a burst queues instead of failing. Apart from `connectionTimeoutMs` because pg-pool uses one
   * setting for both, and 2 s of queueing is an ordinary moment for 100 concurrent creates on a
   * loaded machine, not an unavailable database (they answered 503 there).
   */
  queueTimeoutMs?: number;
  /** Server-side limit per statement (default 5000 ms); the client gives up 1 s later. */
  statementTimeoutMs?: number;
  /** Errors of idle connections (the server restarted, the network dropped); default: ignored, the next query reconnects. */
  onIdleError?: (error: Error) => void;
}

/**
 * A node-postgres pool with timeouts everywhere, so a database that is down, unreachable or
 * stuck answers `StoreUnavailableError` within seconds instead of hanging a request.
 */
export function createPool(options: PoolOptions): Pool {
  const statementTimeoutMs = options.statementTimeoutMs ?? 5000;
  const connectMs = options.connectionTimeoutMs ?? 2000;
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? 10,
    // pg-pool's wait for a free connection; each new connection has its own, shorter, limit.
    connectionTimeoutMillis: Math.max(options.queueTimeoutMs ?? 10_000, connectMs),
    Client: class ConnectFast extends pg.Client {
      constructor(config?: pg.ClientConfig) {
        super({ ...config, connectionTimeoutMillis: connectMs });
      }
    },
    statement_timeout: statementTimeoutMs,
    // Backstop for a server that stops answering mid-query (the statement timeout needs a live server).
    query_timeout: statementTimeoutMs + 1000,
    // A transaction left open by a vanished client is ended by the server.
    idle_in_transaction_session_timeout: statementTimeoutMs * 2,
    application_name: 'fund-distribution-sandbox',
    ...(options.schema !== undefined && { options: `-c search_path=${quoteIdent(options.schema)}` }),
  });
  // Without a listener an idle connection's error would crash the process.
  pool.on('error', options.onIdleError ?? (() => {}));
  return pool;
}

/**
 * Runs `work` in one transaction on one connection: COMMIT when it resolves, ROLLBACK when it
 * throws. A deadlock or serialization failure runs it again (up to 3 times): `work` must only
 * issue SQL, so running it again is safe.
 */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await attemptTransaction(pool, work);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (attempt < 3 && (code === '40P01' || code === '40001')) continue;
      throw toStoreError(error);
    }
  }
}

async function attemptTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // The server answered (an SQL error, a timeout, a deadlock): roll back and reuse the
    // connection. It did not (network, driver): the connection is gone.
    const answered = typeof (error as { code?: unknown }).code === 'string' && /^[0-9A-Z]{5}$/.test((error as { code: string }).code);
    if (!answered && isUnavailable(error)) broken = new Error('connection lost', { cause: error });
    else {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        broken = new Error('rollback failed', { cause: rollbackError });
      }
    }
    throw error;
  } finally {
    // A connection that failed is destroyed rather than handed to the next request.
    client.release(broken);
  }
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ENOENT']);
/** SQLSTATEs meaning "the database cannot serve this now", not "this request is wrong". */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '57014', '40P01', '40001']);
const DRIVER_MESSAGES = [
  'timeout exceeded when trying to connect',
  'timeout expired', // a new connection's own limit (pg.Client's connectionTimeoutMillis)
  'Connection terminated',
  'Query read timeout',
  'connection error and is not queryable',
  'Cannot use a pool after calling end',
  'Client was closed and is not queryable',
];

/**
 * Whether an error from `pg` means the database is unreachable, down, overloaded or too slow.
 * Duck-typed rather than `instanceof Error`: errors raised by Node's `net` may come from another
 * realm (test sandboxes, workers).
 */
export function isUnavailable(error: unknown): boolean {
  if (error instanceof StoreUnavailableError) return true;
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, errors } = error as { code?: unknown; message?: unknown; errors?: unknown };
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code)) return true;
    // Class 08: connection exceptions; class 53: insufficient resources.
    if (/^(08|53)[0-9A-Z]{3}$/.test(code)) return true;
  }
  // AggregateError: one attempt per address of the host.
  if (Array.isArray(errors) && errors.some(isUnavailable)) return true;
  return typeof message === 'string' && DRIVER_MESSAGES.some((text) => message.includes(text));
}

/** The error to throw: `StoreUnavailableError` for an unavailable database, anything else as it is. */
export function toStoreError(error: unknown): unknown {
  if (error instanceof StoreUnavailableError || !isUnavailable(error)) return error;
  const reason = String((error as { message?: unknown }).message ?? error);
  return new StoreUnavailableError(`the state store (PostgreSQL) is unavailable: ${reason}`, { cause: error });
}

/** Statement names by SQL text (`prepared`); the hot statements are a few dozen shapes, the bound is for the rest. */
const statementNames = new Map<string, string>();
const STATEMENT_NAMES_SIZE = 512;

/**
 * A parameterized query as a named prepared statement: each pooled connection parses and plans
 * a statement's text once (node-postgres keeps which names a connection has prepared) and then
 * only binds and executes it. The name is a hash of the text, so one text is one statement, and
 * two texts can never share a name. For the per-request statements, whose text depends only on
 * the plan's shape (the values are parameters).
 *
 * @example
 * await pool.query(prepared('SELECT value FROM records WHERE workspace = $1 AND id = $2', [ws, id]));
 */
export function prepared(text: string, values: unknown[]): QueryConfig {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `fs_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    if (statementNames.size >= STATEMENT_NAMES_SIZE) statementNames.delete(statementNames.keys().next().value as string);
    statementNames.set(text, name);
  }
  return { name, text, values };
}
