import { API_MODULES, type SandboxData } from '../../apis/index.js';
import { SandboxClock } from '../../core/clock.js';
import { createRandom } from '../../core/random.js';
import { DEFAULT_WORKSPACE } from '../../workspaces/registry.js';
import type { BackendOptions, SandboxBackend } from '../backend.js';
import { PostgresWorkspaceCatalog } from './workspace-catalog.js';
import { PostgresWorkspaces } from './workspaces.js';

/**
 * `--database`: the PostgreSQL backend. The default workspace lives there, shared with every
 * instance given the same URL, and so do the other workspaces, their catalog, clocks and faults.
 * Fixtures come from the seed the first instance recorded (so every instance's reset restores
 * the same ones); ids come from a stream of this instance's own (instance 1 continues the
 * seed's stream, as in memory; instance n seeds `[seed, n]`), so instances never mint the same id.
 *
 * @example
 * const backend = await openPostgresBackend({ database: process.env.DATABASE_URL }, buildFixtures);
 */
export async function openPostgresBackend(options: BackendOptions & { database: string }, buildFixtures: (random: ReturnType<typeof createRandom>) => SandboxData): Promise<SandboxBackend> {
  const pg = await PostgresWorkspaces.open({ url: options.database, ...(options.databaseSchema !== undefined && { schema: options.databaseSchema }) });
  const mountPaths = API_MODULES.flatMap((api) => api.mountPaths);
  try {
    const seed = await pg.fixtureSeed(DEFAULT_WORKSPACE, options.seed ?? Math.floor(Math.random() * 2 ** 31));
    const random = createRandom(seed);
    const fixtureState = buildFixtures(random);
    const store = await pg.openStore(DEFAULT_WORKSPACE, () => structuredClone(fixtureState));
    const clock = new SandboxClock({ frozenAt: options.frozenAt });
    const shared = await pg.openShared(DEFAULT_WORKSPACE, { clock, mountPaths });
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
        shared: (id, workspaceClock) => pg.openShared(id, { clock: workspaceClock, mountPaths }),
        journal: (id, journalOptions) => pg.openJournal(id, journalOptions),
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
