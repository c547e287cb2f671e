import { sandboxSchemas, type SandboxData } from '../../apis/index.js';
import { SandboxClock } from '../../core/clock.js';
import { createRandom } from '../../core/random.js';
import type { WorkspaceCatalog, WorkspaceRecord, WorkspaceStoreFactory } from '../../workspaces/registry.js';
import type { BackendOptions, SandboxBackend } from '../backend.js';
import { EmbeddedStore } from './embedded-store.js';
import { loadOnce } from '../../core/load-once.js';

/**
 * The embedded backend, the default that needs nothing installed: lowdb in memory, or in
 * `--data FILE` (a snapshot plus a journal, see `file-persistence.ts`) for the default
 * workspace. Other workspaces are in-memory stores listed in an in-memory catalog.
 *
 * @example
 * const backend = await openEmbedded({ seed: 1, data: './sandbox.json' }, buildFixtures);
 */
export async function openEmbedded(options: BackendOptions, buildFixtures: (random: ReturnType<typeof createRandom>) => SandboxData): Promise<SandboxBackend> {
  const random = createRandom(options.seed);
  const fixtureState = buildFixtures(random);
  const persistence = options.data ? new (await filePersistence()).FilePersistence<SandboxData>(options.data, { repair: options.repairData }) : undefined;
  const store = await EmbeddedStore.open<SandboxData>({ fixtures: () => structuredClone(fixtureState), schemas: sandboxSchemas(), persistence });
  // A restart under the same --seed would replay the id stream from its start and hand out ids
  // already stored; the journal's sequence number moves the stream on, reproducibly.
  if (persistence?.resumed && options.seed !== undefined) random.seed(options.seed + persistence.sequence);
  const clock = new SandboxClock({ frozenAt: options.frozenAt });
  return { store, clock, random, workspaces: { catalog: new MemoryWorkspaceCatalog(), stores: embeddedWorkspaceStores }, close: () => store.close() };
}

/** The file persistence (with lowdb's file adapters and steno), loaded for `--data` only: start-up time an in-memory sandbox never needs. */
const filePersistence = loadOnce(() => import('./file-persistence.js'));

/** The workspace catalog of one process. */
export class MemoryWorkspaceCatalog implements WorkspaceCatalog {
  private readonly records = new Map<string, WorkspaceRecord>();
  async insert(record: WorkspaceRecord): Promise<void> {
    this.records.set(record.id, record);
  }
  async get(id: string): Promise<WorkspaceRecord | undefined> {
    return this.records.get(id);
  }
  async delete(id: string): Promise<void> {
    this.records.delete(id);
  }
  async touch(id: string, atMs: number): Promise<void> {
    const record = this.records.get(id);
    if (record) record.lastUsedAtMs = atMs;
  }
  async count(): Promise<number> {
    return this.records.size;
  }
  async idleSince(beforeMs: number): Promise<string[]> {
    return [...this.records.values()].filter((r) => r.lastUsedAtMs < beforeMs).map((r) => r.id);
  }
}

/** The embedded store per workspace: in memory (a `--data` file holds the default workspace only). */
export const embeddedWorkspaceStores: WorkspaceStoreFactory = {
  open: (_id, fixtures) => EmbeddedStore.open<SandboxData>({ fixtures, schemas: sandboxSchemas() }),
  async remove(_id, open) {
    await open?.close();
  },
};
