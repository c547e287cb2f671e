import { API_MODULES, type SandboxData } from '../apis/index.js';
import type { createRandom } from '../core/random.js';
import type { BackendOptions, SandboxBackend } from './backend.js';
import { openEmbedded } from './embedded/index.js';
import { loadOnce } from '../core/load-once.js';

export type { BackendOptions, SandboxBackend } from './backend.js';

/**
 * Opens the backend the options name: PostgreSQL with `database`, the embedded one otherwise.
 * The PostgreSQL modules (and `pg`) are loaded on the first `--database` sandbox only, start-up
 * time the default never needs.
 *
 * @example
 * const backend = await openBackend({ seed: 1 }); // embedded, in memory
 * const shared = await openBackend({ database: 'postgres://localhost/sandbox' });
 */
export async function openBackend(options: BackendOptions): Promise<SandboxBackend> {
  if (options.data !== undefined && options.database !== undefined) {
    throw new Error('--data and --database cannot be used together: keep the state in a file (--data) or in PostgreSQL (--database), not both');
  }
  if (options.database === undefined) return openEmbedded(options, buildFixtures);
  const { openPostgresBackend } = await postgresModule();
  return openPostgresBackend({ ...options, database: options.database }, buildFixtures);
}

/** The PostgreSQL backend's modules, with `pg`: loaded by the first `--database` sandbox only. */
const postgresModule = loadOnce(() => import('./postgres/open.js'));

/** Every API's fixtures, drawn from one random stream. */
function buildFixtures(random: ReturnType<typeof createRandom>): SandboxData {
  return Object.assign({}, ...API_MODULES.map((api) => api.fixtures(random))) as SandboxData;
}
