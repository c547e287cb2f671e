import { once } from 'node:events';
import { createServer, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { inOrder, passErrorOn } from './core/pipeline/steps.js';
import { createApp, DEFAULT_BODY_LIMIT } from './app.js';
import { openBackend } from './backends/index.js';
import { DEFAULT_SERVER_TIMEOUTS, timeoutsProblem, type ServerTimeouts } from './server-timeouts.js';
import type { SandboxData } from './apis/index.js';
import type { AppContext } from './core/api-module.js';
import { SandboxClock } from './core/clock.js';
import { IdFactory } from './core/ids.js';
import type { Logger } from './core/logging.js';
import type { RecordStore } from './core/store/record-store.js';
import { createControlPlane } from './control-plane/control-plane.js';
import { clearsWritten, shareJournal } from './control-plane/shared-journal.js';
import type { CoverageTracker } from './control-plane/coverage.js';
import type { Sleep } from './control-plane/fault-injection.js';
import type { FaultBook } from './control-plane/faults.js';
import type { RequestJournal } from './control-plane/journal.js';
import type { WorkspaceCaps } from './workspaces/caps.js';
import { routedContext } from './workspaces/current.js';
import { enterWorkspace, workspaceControlPlane } from './workspaces/door.js';
import { DEFAULT_WORKSPACE, WorkspaceRegistry, type WorkspaceCatalog, type WorkspaceStoreFactory } from './workspaces/registry.js';
import { workspaceRoutes, type SignupPolicy } from './workspaces/routes.js';
import { createConsole, type ConsoleOptions } from './console/index.js';

export interface SandboxOptions {
  /** Seeds faker: fixtures, generated data and ids repeat run to run. */
  seed?: number;
  /** Freeze the sandbox clock at this instant; only `clock.advance()` moves it. */
  frozenAt?: Date;
  bodyLimit?: string;
  /** Keep all state in this lowdb JSON file (and its journal); a restart resumes it. Default: memory. */
  data?: string;
  /** A `data` journal with a gap (seq N followed by seq M): keep what is before it and say so, instead of refusing to start. */
  repairData?: boolean;
  /**
   * Keep all state in this PostgreSQL database (`postgres://user:password@host:port/db`), shared
   * by every instance given the same URL: records, tokens, idempotency keys, the clock, faults
   * and resets. Not together with `data`.
   */
  database?: string;
  /** The PostgreSQL schema to use under `database` (default: the connection's, normally `public`). */
  databaseSchema?: string;
  /** Validate every response against its spec; a drifting handler answers 500 naming the violation. */
  strict?: boolean;
  /** No per-request log lines, even when a `logger` is given (server errors are still logged). */
  quiet?: boolean;
  /**
   * Where the one-JSON-line-per-request log goes (`createLogger()` from `src/core/logging.ts`
   * for pino on stdout). None by default: in-process use, tests included, stays silent; the CLI
   * passes one unless `--quiet`.
   */
  logger?: Logger;
  /** Bearer token the `/_sandbox` control API requires (mandatory when listening beyond loopback). */
  adminToken?: string;
  /** Host names the `/_sandbox` controls answer to besides loopback and the listen host (`--allowed-host`). */
  allowedHosts?: string[];
  /** Distributions progress through their statuses as the sandbox clock advances. */
  autoAdvance?: boolean;
  /** Write the contract-coverage report (JSON) here when the sandbox stops. */
  coverageOut?: string;
  /** How many requests the `/_sandbox/requests` journal keeps (default 1000; older ones drop). */
  journalSize?: number;
  /** How many idempotency answers each workspace keeps (default 10,000, the documented bound; oldest evicted). */
  maxIdempotencyKeys?: number;
  /** How a fault's `latency_ms` is waited out: a real timer unless a test passes one it controls. */
  sleep?: Sleep;
  /** CORS on the mocked APIs for any origin (never on `/_sandbox`). Default on; `false` turns it off. */
  cors?: boolean;
  /** Workspaces: isolated sandboxes inside this one (`POST /_sandbox/workspaces`). */
  workspaces?: WorkspaceOptions;
  /** Connection timeouts of the server `start()` listens with (defaults: `DEFAULT_SERVER_TIMEOUTS`). */
  timeouts?: Partial<ServerTimeouts>;
  /** The console page at `/console` (src/console/): on by default; `false` turns it off (`--no-console`). */
  console?: boolean | ConsoleOptions;
}

export interface WorkspaceOptions {
  /** Idle seconds after which a workspace is deleted (`--workspace-ttl`, default 7 days). */
  ttlSeconds?: number;
  /** At most this many workspaces (default 100). */
  max?: number;
  /** `--open-signup`: with an admin token, anyone may still create a workspace, rate-limited per address. */
  openSignup?: boolean;
  /** Workspaces per client address per window under `openSignup` (default 10 per hour). */
  signupRate?: SignupPolicy['perAddress'];
  /** Per-workspace caps (records, journal entries). */
  caps?: Partial<WorkspaceCaps>;
  /** Where workspaces are listed (default: in memory). */
  catalog?: WorkspaceCatalog;
  /** How a workspace's store is opened (default: an embedded store each). */
  stores?: WorkspaceStoreFactory;
  /** Wall-clock now for expiry; tests pass one they move. */
  now?: () => number;
}

export interface Sandbox {
  app: Express;
  clock: SandboxClock;
  /** The state: the embedded store by default, PostgreSQL with `database`. */
  store: RecordStore<SandboxData>;
  /** The request journal behind `GET /_sandbox/requests`. */
  journal: RequestJournal;
  /** The faults armed through `/_sandbox/faults` (arm them here too: `await faults.add({...})`). */
  faults: FaultBook;
  /** Contract coverage: `coverage.report()`, `coverage.table()`, `coverage.writeReport(file)`. */
  coverage: CoverageTracker;
  /** The workspaces besides the default one (which the fields above are). */
  workspaces: WorkspaceRegistry;
  /** Moves the sandbox clock and, with `autoAdvance`, resolves once distributions have progressed. */
  advanceClock(seconds: number): Promise<Date>;
  /** Listens (port 0 picks a free one) and resolves with the base URL. */
  start(port?: number, host?: string): Promise<string>;
  stop(): Promise<void>;
  /** Back to the fixtures; clears faults, journal, coverage counts and the clock's offset too. */
  reset(): Promise<void>;
}

/**
 * The whole sandbox in-process: state, clock and app, not yet listening.
 *
 * @example
 * const sandbox = await createSandbox({ seed: 1 });
 * const url = await sandbox.start(0); // http://127.0.0.1:<free port>
 * // …point your client at url…
 * await sandbox.stop();
 */
export async function createSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const timeouts: ServerTimeouts = { ...DEFAULT_SERVER_TIMEOUTS, ...options.timeouts };
  const badTimeouts = timeoutsProblem(timeouts);
  if (badTimeouts) throw new Error(badTimeouts);
  const opened = await openBackend(options);
  const { store, clock, random, shared } = opened;
  const ctx: AppContext<SandboxData> = { store, clock, ids: new IdFactory(random, { seeded: options.seed !== undefined }), random };
  const control = createControlPlane(ctx, {
    adminToken: options.adminToken,
    autoAdvance: options.autoAdvance,
    journalSize: options.journalSize,
    sleep: options.sleep,
    ...(shared && { shared }),
  });
  control.access.hosts.add(options.allowedHosts ?? []);
  // --database: the journal, console timeline and coverage every instance shares.
  const log = await opened.workspaces.journal?.(DEFAULT_WORKSPACE, { capacity: control.journal.capacity, clock }).catch(async (error: unknown) => {
    await opened.close().catch(() => undefined);
    throw error;
  });
  if (log) shareJournal(control, shared, log);
  const ws = options.workspaces ?? {};
  const workspaces = new WorkspaceRegistry({
    defaultWorkspace: { id: DEFAULT_WORKSPACE, ctx, control, ...(shared && { shared }), ...(log && { log }) },
    catalog: ws.catalog ?? opened.workspaces.catalog,
    stores: ws.stores ?? opened.workspaces.stores,
    ...(opened.workspaces.shared && { shared: opened.workspaces.shared }),
    ...(opened.workspaces.journal && { journal: opened.workspaces.journal }),
    seed: options.seed,
    frozenAt: options.frozenAt,
    ttlMs: ws.ttlSeconds === undefined ? undefined : ws.ttlSeconds * 1000,
    maxWorkspaces: ws.max,
    autoAdvance: options.autoAdvance,
    sleep: options.sleep,
    now: ws.now,
    caps: ws.caps,
  });
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const routed = workspaceControlPlane(workspaces, workspaceRoutes(workspaces, control.access, { open: ws.openSignup ?? false, perAddress: ws.signupRate }), bodyLimit);
  const door = enterWorkspace(workspaces);
  const sandboxConsole = options.console === false ? undefined : createConsole({ registry: workspaces, access: control.access, autoAdvance: options.autoAdvance ?? false, ...(typeof options.console === 'object' && { options: options.console }) });
  // The console's routes and tap go before the door, its timeline after it (inside the workspace's scope).
  const enter = sandboxConsole ? inOrder([sandboxConsole.beforeDoor, door, sandboxConsole.afterDoor], passErrorOn) : door;
  const app = createApp(routedContext(ctx), { bodyLimit, ...(options.maxIdempotencyKeys !== undefined && { maxIdempotencyKeys: options.maxIdempotencyKeys }), control: routed, enter, strict: options.strict, logger: options.logger, quiet: options.quiet, cors: options.cors, ...(opened.ready && { ready: opened.ready }) });
  // Idle workspaces are deleted within a minute of expiring (and before every create).
  const sweeper = setInterval(() => void workspaces.sweep().catch(() => undefined), 60_000);
  sweeper.unref();
  let server: Server | undefined;
  let stopping: Promise<void> | undefined;
  /** Responses not yet done: `stop()` waits for them (and so for their log lines). */
  const inFlight = new Set<ServerResponse>();

  return {
    app,
    clock,
    store,
    journal: control.journal,
    faults: control.faults,
    coverage: control.coverage,
    workspaces,
    advanceClock: control.advanceClock,
    async start(port = 0, host = '127.0.0.1') {
      control.access.assertMayListenOn(host); // rejects: beyond loopback the controls need a token
      const s = createTimedServer(app, timeouts);
      server = await new Promise<Server>((resolve, reject) => {
        s.once('error', reject);
        s.listen(port, host, () => {
          s.off('error', reject);
          resolve(s);
        });
      });
      const listening = server;
      listening.on('request', (_req, res: ServerResponse) => {
        if (!listening.listening) res.setHeader('Connection', 'close'); // a keep-alive request that came in while stopping
        inFlight.add(res);
        res.once('close', () => inFlight.delete(res));
      });
      control.access.listeningOn(host);
      const address = server.address() as AddressInfo;
      return `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
    },
    stop() {
      // Once: a second call (a library user's and a test harness's, say) waits for the first.
      stopping ??= (async () => {
        const s = server;
        server = undefined;
        sandboxConsole?.close(); // its streams never end by themselves
        if (s) await closeServer(s, inFlight);
        control.access.listeningOn(undefined);
        clearInterval(sweeper);
        await routed.stop();
        if (options.coverageOut) await control.coverage.writeReport(options.coverageOut);
        await log?.close(); // its last batch, before the backend's connections end
        await opened.close();
      })();
      return stopping;
    },
    async reset() {
      await control.reset();
      await clearsWritten(); // --database: the shared journal and coverage cleared for every instance first
    },
  };
}

/**
 * Stops accepting connections, lets every in-flight response finish and waits for its `close`
 * (the request log writes its line on `finish`, before that), then closes the keep-alive
 * sockets left idle. Node's own `server.close()` does the rest; http-terminator would add
 * polling and a forced cut-off after a timeout, which would kill a slow (latency-injected)
 * request the sandbox means to finish.
 */
async function closeServer(server: Server, inFlight: Set<ServerResponse>): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve())); // closes idle sockets too
  // Answers not yet begun say `Connection: close`, so their sockets end with them.
  for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
  await Promise.all([...inFlight].map((res) => once(res, 'close')));
  server.closeIdleConnections(); // keep-alive sockets whose answer was already under way
  await closed;
}

/**
 * An HTTP server for `listener` with `timeouts`. Node checks the headers and request timeouts
 * only every `connectionsCheckingInterval` (30 s by default), so that interval is tied to the
 * shortest of them: a stalled client is cut within about 1.25× its timeout.
 *
 * @example
 * createTimedServer(app, { headersMs: 2000, requestMs: 10_000, keepAliveMs: 5000 }).listen(0);
 */
function createTimedServer(listener: RequestListener, timeouts: ServerTimeouts): Server {
  const shortest = Math.min(timeouts.headersMs, timeouts.requestMs || Infinity);
  const server = createServer(
    {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      keepAliveTimeout: timeouts.keepAliveMs,
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(shortest / 4))),
    },
    listener,
  );
  return server;
}
