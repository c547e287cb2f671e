import type { SandboxData } from '../apis/index.js';
import type { SandboxClock } from '../core/clock.js';
import type { createRandom } from '../core/random.js';
import type { RecordStore } from '../core/store/record-store.js';
import type { SharedSandboxState } from '../control-plane/shared-state.js';
import type { SharedJournalLog } from '../control-plane/shared-journal.js';
import type { WorkspaceCatalog, WorkspaceRegistryOptions, WorkspaceStoreFactory } from '../workspaces/registry.js';

/** What a backend is opened with: the sandbox options it reads. */
export interface BackendOptions {
  seed?: number;
  frozenAt?: Date;
  /** Embedded: the `--data` file (memory without it). */
  data?: string;
  repairData?: boolean;
  /** PostgreSQL: the `--database` URL. */
  database?: string;
  databaseSchema?: string;
}

/**
 * What a sandbox runs on, as one backend opened it: the default workspace's store, clock and
 * random source, where the other workspaces live, the state every instance must share (none
 * for the embedded backend: one process is the whole sandbox), and how to close it all.
 * `sandbox.ts` asks `openBackend` for one and knows nothing of either's insides.
 */
export interface SandboxBackend {
  store: RecordStore<SandboxData>;
  clock: SandboxClock;
  random: ReturnType<typeof createRandom>;
  shared?: SharedSandboxState;
  /** `/healthz`'s question to the state; none for the embedded store, which is always there. */
  ready?: () => Promise<boolean>;
  workspaces: {
    catalog: WorkspaceCatalog;
    stores: WorkspaceStoreFactory;
    shared?: NonNullable<WorkspaceRegistryOptions['shared']>;
    /** A workspace's journal, console timeline and coverage shared by every instance; none for the embedded store. */
    journal?: (workspaceId: string, options: { capacity: number; clock: SandboxClock }) => Promise<SharedJournalLog>;
  };
  close(): Promise<void>;
}
