import { once } from 'node:events';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Router, type Express } from 'express';
import { createApp } from './app.js';
import { API_MODULES, sandboxSchemas, type SandboxData } from './apis/index.js';
import type { AppContext } from './core/api-module.js';
import { SandboxClock } from './core/clock.js';
import { IdFactory } from './core/ids.js';
import { createRandom } from './core/random.js';
import type { Logger } from './core/logging.js';
import { FilePersistence } from './core/store/file-persistence.js';
import { EmbeddedStore } from './core/store/embedded-store.js';
import type { RecordStore } from './core/store/record-store.js';
import { createControlPlane } from './control-plane/control-plane.js';
import type { CoverageTracker } from './control-plane/coverage.js';
import type { Sleep } from './control-plane/fault-injection.js';
import type { FaultBook } from './control-plane/faults.js';
import type { RequestJournal } from './control-plane/journal.js';
import type { WorkspaceCaps } from './workspaces/caps.js';
import { routedContext } from './workspaces/current.js';
import { enterWorkspace, workspaceControlPlane } from './workspaces/door.js';
import { DEFAULT_WORKSPACE, WorkspaceRegistry, type WorkspaceCatalog, type WorkspaceRegistryOptions, type WorkspaceStoreFactory } from './workspaces/registry.js';
import { workspaceRoutes, type SignupPolicy } from './workspaces/routes.js';
import type { SharedSandboxState } from './control-plane/shared/shared-state.js';
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
  if (options.data !== undefined && options.database !== undefined) {
    throw new Error('--data and --database cannot be used together: keep the state in a file (--data) or in PostgreSQL (--database), not both');
  }
  const opened = options.database !== undefined ? await openShared(options, options.database) : await openEmbedded(options);
  const { store, clock, random, shared } = opened;
  const ctx: AppContext<SandboxData> = { store, clock, ids: new IdFactory(random), random };
  const control = createControlPlane(ctx, {
    adminToken: options.adminToken,
    autoAdvance: options.autoAdvance,
    journalSize: options.journalSize,
    sleep: options.sleep,
    ...(shared && { shared }),
  });
  control.access.hosts.add(options.allowedHosts ?? []);
  const ws = options.workspaces ?? {};
  const workspaces = new WorkspaceRegistry({
    defaultWorkspace: { id: DEFAULT_WORKSPACE, ctx, control },
    catalog: ws.catalog ?? opened.workspaces?.catalog,
    stores: ws.stores ?? opened.workspaces?.stores,
    shared: opened.workspaces?.shared,
    seed: options.seed,
    frozenAt: options.frozenAt,
    ttlMs: ws.ttlSeconds === undefined ? undefined : ws.ttlSeconds * 1000,
    maxWorkspaces: ws.max,
    autoAdvance: options.autoAdvance,
    sleep: options.sleep,
    now: ws.now,
    caps: ws.caps,
  });
  const bodyLimit = options.bodyLimit ?? '1mb';
  const routed = workspaceControlPlane(workspaces, workspaceRoutes(workspaces, control.access, { open: ws.openSignup ?? false, perAddress: ws.signupRate }), bodyLimit);
  const door = enterWorkspace(workspaces);
  const sandboxConsole = options.console === false ? undefined : createConsole({ registry: workspaces, access: control.access, autoAdvance: options.autoAdvance ?? false, ...(typeof options.console === 'object' && { options: options.console }) });
  // The console's routes and tap go before the door, its timeline after it (inside the workspace's scope).
  const enter = sandboxConsole ? Router().use(sandboxConsole.beforeDoor, door, sandboxConsole.afterDoor) : door;
  const app = createApp(routedContext(ctx), { bodyLimit, ...(options.maxIdempotencyKeys !== undefined && { maxIdempotencyKeys: options.maxIdempotencyKeys }), control: routed, enter, strict: options.strict, logger: options.logger, quiet: options.quiet, cors: options.cors, ...(opened.ready && { ready: opened.ready }) });
  // Idle workspaces are deleted within a minute of expiring (and before every create).
  const sweeper = setInterval(() => void workspaces.sweep().catch(() => undefined), 60_000);
  sweeper.unref();
  let server: Server | undefined;
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
      server = await new Promise<Server>((resolve, reject) => {
        const s = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(s)));
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
    async stop() {
      const s = server;
      server = undefined;
      sandboxConsole?.close(); // its streams never end by themselves
      if (s) await closeServer(s, inFlight);
      control.access.listeningOn(undefined);
      clearInterval(sweeper);
      await routed.stop();
      if (options.coverageOut) await control.coverage.writeReport(options.coverageOut);
      await opened.close();
    },
    reset: control.reset,
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

/** What a sandbox runs on: its store, clock and random source, and how to close them. */
interface Opened {
  store: RecordStore<SandboxData>;
  clock: SandboxClock;
  random: ReturnType<typeof createRandom>;
  shared?: SharedSandboxState;
  /** `/healthz`'s question to the state; none for the embedded store, which is always there. */
  ready?: () => Promise<boolean>;
  /** Where the other workspaces live with `--database` (in this process otherwise). */
  workspaces?: { catalog: WorkspaceCatalog; stores: WorkspaceStoreFactory; shared: NonNullable<WorkspaceRegistryOptions['shared']> };
  close(): Promise<void>;
}

/** The default: lowdb in memory, or in `--data FILE`. */
async function openEmbedded(options: SandboxOptions): Promise<Opened> {
  const random = createRandom(options.seed);
  const fixtureState = buildFixtures(random);
  const persistence = options.data ? new FilePersistence<SandboxData>(options.data, { repair: options.repairData }) : undefined;
  const store = await EmbeddedStore.open<SandboxData>({ fixtures: () => structuredClone(fixtureState), schemas: sandboxSchemas(), persistence });
  // A restart under the same --seed would replay the id stream from its start and hand out ids
  // already stored; the journal's sequence number moves the stream on, reproducibly.
  if (persistence?.resumed && options.seed !== undefined) random.seed(options.seed + persistence.sequence);
  const clock = new SandboxClock({ frozenAt: options.frozenAt });
  return { store, clock, random, close: () => store.close() };
}

/**
 * `--database`: the default workspace in PostgreSQL, shared with every instance given the same
 * URL. Fixtures come from the seed the first instance recorded (so every instance's reset
 * restores the same ones); ids come from a stream of this instance's own (instance 1 continues
 * the seed's stream, as in memory; instance n seeds `[seed, n]`), so instances never mint the
 * same id.
 */
async function openShared(options: SandboxOptions, url: string): Promise<Opened> {
  const { PostgresWorkspaces, PostgresWorkspaceCatalog } = await postgresModules();
  const pg = await PostgresWorkspaces.open({ url, ...(options.databaseSchema !== undefined && { schema: options.databaseSchema }) });
  try {
    const seed = await pg.fixtureSeed(DEFAULT_WORKSPACE, options.seed ?? Math.floor(Math.random() * 2 ** 31));
    const random = createRandom(seed);
    const fixtureState = buildFixtures(random);
    const store = await pg.openStore(DEFAULT_WORKSPACE, () => structuredClone(fixtureState));
    const clock = new SandboxClock({ frozenAt: options.frozenAt });
    const shared = await pg.openShared(DEFAULT_WORKSPACE, { clock, mountPaths: API_MODULES.flatMap((api) => api.mountPaths) });
    if (shared.instance > 1) random.seed([seed, shared.instance]);
    return {
      store,
      clock,
      random,
      shared,
      ready: () => store.ping().then(
        () => true,
        () => false,
      ),
      workspaces: {
        catalog: new PostgresWorkspaceCatalog(pg.pool),
        stores: { open: pg.openStore, remove: (id) => pg.removeWorkspace(id) },
        shared: (id, workspaceClock) => pg.openShared(id, { clock: workspaceClock, mountPaths: API_MODULES.flatMap((api) => api.mountPaths) }),
      },
      async close() {
        await shared.close();
        await pg.close();
      },
    };
  } catch (error) {
    await pg.close().catch(() => {});
    throw error;
  }
}

let loadingPostgres: Promise<{ PostgresWorkspaces: typeof import('./control-plane/shared/postgres-workspaces.js').PostgresWorkspaces; PostgresWorkspaceCatalog: typeof import('./workspaces/postgres-catalog.js').PostgresWorkspaceCatalog }> | undefined;

/**
 * The PostgreSQL modules (and `pg`), loaded on the first `--database` sandbox only: start-up
 * time the default never needs. One load shared by concurrent callers, one module after the
 * other (jest's module linker fails two concurrent first imports of `pg`).
 */
function postgresModules(): NonNullable<typeof loadingPostgres> {
  loadingPostgres ??= (async () => {
    const { PostgresWorkspaces } = await import('./control-plane/shared/postgres-workspaces.js');
    const { PostgresWorkspaceCatalog } = await import('./workspaces/postgres-catalog.js');
    return { PostgresWorkspaces, PostgresWorkspaceCatalog };
  })();
  return loadingPostgres;
}

function buildFixtures(random: ReturnType<typeof createRandom>): SandboxData {
  return Object.assign({}, ...API_MODULES.map((api) => api.fixtures(random))) as SandboxData;
}
