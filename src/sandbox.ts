import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { createApp } from './app.js';
import { API_MODULES, type SandboxData } from './apis/index.js';
import type { AppContext } from './core/api-module.js';
import { SandboxClock } from './core/clock.js';
import { IdFactory } from './core/ids.js';
import { createRandom } from './core/random.js';
import { FilePersistence } from './core/store/file-persistence.js';
import { Store } from './core/store/store.js';

export interface SandboxOptions {
  /** Seeds faker: fixtures, generated data and ids repeat run to run. */
  seed?: number;
  /** Freeze the sandbox clock at this instant; only `clock.advance()` moves it. */
  frozenAt?: Date;
  bodyLimit?: string;
  /** Keep all state in this lowdb JSON file (and its journal); a restart resumes it. Default: memory. */
  data?: string;
  /** Validate every response against its spec; a drifting handler answers 500 naming the violation. */
  strict?: boolean;
  /** No per-request log lines. */
  quiet?: boolean;
  /** Bearer token the `/_sandbox` control API requires (mandatory when listening beyond loopback). */
  adminToken?: string;
  /** Distributions progress through their statuses as the sandbox clock advances. */
  autoAdvance?: boolean;
  /** Write the contract-coverage report (JSON) here when the sandbox stops. */
  coverageOut?: string;
}

export interface Sandbox {
  app: Express;
  clock: SandboxClock;
  store: Store<SandboxData>;
  /** Listens (port 0 picks a free one) and resolves with the base URL. */
  start(port?: number, host?: string): Promise<string>;
  stop(): Promise<void>;
  /** Back to the fixtures; the clock's offset is cleared too. */
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
  const random = createRandom(options.seed);
  const fixtureState = buildFixtures(random);
  const persistence = options.data ? new FilePersistence<SandboxData>(options.data) : undefined;
  const store = await Store.open<SandboxData>({ fixtures: () => structuredClone(fixtureState), persistence });
  // A restart under the same --seed would replay the id stream from its start and hand out ids
  // already stored; the journal's sequence number moves the stream on, reproducibly.
  if (persistence?.resumed && options.seed !== undefined) random.seed(options.seed + persistence.sequence);
  const clock = new SandboxClock({ frozenAt: options.frozenAt });
  const ctx: AppContext<SandboxData> = { store, clock, ids: new IdFactory(random), random };
  const app = createApp(ctx, { bodyLimit: options.bodyLimit });
  let server: Server | undefined;

  return {
    app,
    clock,
    store,
    async start(port = 0, host = '127.0.0.1') {
      server = await new Promise<Server>((resolve, reject) => {
        const s = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(s)));
      });
      const address = server.address() as AddressInfo;
      return `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
    },
    async stop() {
      const s = server;
      server = undefined;
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
      await store.close();
    },
    async reset() {
      clock.resetOffset();
      await store.reset();
    },
  };
}

function buildFixtures(random: ReturnType<typeof createRandom>): SandboxData {
  return Object.assign({}, ...API_MODULES.map((api) => api.fixtures(random))) as SandboxData;
}
