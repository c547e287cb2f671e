import { randomBytes } from 'node:crypto';
import type { Faker } from '@faker-js/faker';
import type { SandboxData } from '../apis/index.js';
import type { AppContext } from '../core/api-module.js';
import { SandboxClock } from '../core/clock.js';
import { IdFactory } from '../core/ids.js';
import { createRandom } from '../core/random.js';
import { hashSecret, secretMatches } from '../core/secrets.js';
import type { RecordStore } from '../core/store/record-store.js';
import { ControlAccess } from '../control-plane/admin-access.js';
import { createControlPlane, type ControlPlane } from '../control-plane/control-plane.js';
import type { Sleep } from '../control-plane/fault-injection.js';
import type { SharedSandboxState } from '../control-plane/shared-state.js';
import { shareJournal, type SharedJournalLog } from '../control-plane/shared-journal.js';
import { cappedStore, WORKSPACE_CAPS, type WorkspaceCaps } from './caps.js';
import { newWorkspaceId, workspaceFixtures, type WorkspaceDescription, type WorkspaceSecrets } from './fixtures.js';

/** The default workspace's id: today's sandbox, with the README's fixture credentials. */
export const DEFAULT_WORKSPACE = 'default';

/** What a workspace is in this instance: its context (what handlers read) and its controls. */
export interface Workspace {
  id: string;
  ctx: AppContext<SandboxData>;
  /** Its own faults, journal, coverage, clock controls, reset and lifecycle moves. */
  control: ControlPlane;
  /** Its catalog entry; undefined for the default workspace. */
  record?: WorkspaceRecord;
  /** Its state shared with other instances (`--database`), closed with it. */
  shared?: SharedSandboxState;
  /** Its journal, console timeline and coverage shared with other instances (`--database`), closed with it. */
  log?: SharedJournalLog;
}

/** A workspace as the catalog keeps it (shared by every instance). */
export interface WorkspaceRecord {
  id: string;
  /** `hashSecret(key)`: the key itself is shown once. */
  keyHash: string;
  createdAtMs: number;
  /** Last request made in it (wall clock); idle longer than the TTL, it is deleted. */
  lastUsedAtMs: number;
  description: WorkspaceDescription;
  /** Its starting state (secrets hashed), which its reset returns to. */
  fixtures: SandboxData;
  /** Seeds its own id stream; undefined without `--seed`. */
  seed?: number;
}

/**
 * Where the workspaces are listed. The in-memory one is the embedded store's; a PostgreSQL one
 * (a `workspaces` table) lets every instance find a workspace another one created.
 */
export interface WorkspaceCatalog {
  insert(record: WorkspaceRecord): Promise<void>;
  get(id: string): Promise<WorkspaceRecord | undefined>;
  delete(id: string): Promise<void>;
  touch(id: string, atMs: number): Promise<void>;
  count(): Promise<number>;
  /** Ids of the workspaces last used before `beforeMs`. */
  idleSince(beforeMs: number): Promise<string[]>;
}

/** A workspace's store, as a `WorkspaceStoreFactory` opens it. */
export type WorkspaceStore = RecordStore<SandboxData> & { close(): Promise<void> };

/**
 * Opens the store of one workspace: the embedded one makes a new `EmbeddedStore` per workspace;
 * the PostgreSQL one is `openPostgres({ url, workspace: id, schemas, fixtures })`.
 */
export interface WorkspaceStoreFactory {
  /** Opens workspace `id`'s store, seeded with `fixtures` the first time. */
  open(id: string, fixtures: () => SandboxData): Promise<WorkspaceStore>;
  /** Removes everything workspace `id` stored (its store, when open here, is passed to close). */
  remove(id: string, open: WorkspaceStore | undefined): Promise<void>;
}

export interface WorkspaceRegistryOptions {
  /** The default workspace (today's sandbox). */
  defaultWorkspace: Workspace;
  catalog: WorkspaceCatalog;
  stores: WorkspaceStoreFactory;
  /** `--seed`: workspace ids and fixtures repeat run to run (secrets never do). */
  seed?: number;
  /** A workspace's clock starts frozen here, like the default's. */
  frozenAt?: Date;
  /** Idle time after which a workspace is deleted (`--workspace-ttl`), milliseconds. */
  ttlMs?: number;
  /** At most this many workspaces at once. */
  maxWorkspaces?: number;
  autoAdvance?: boolean;
  sleep?: Sleep;
  /** Wall-clock now (expiry, last use); tests pass one they move. */
  now?: () => number;
  /** Per-workspace caps (default `WORKSPACE_CAPS`). */
  caps?: Partial<WorkspaceCaps>;
  /**
   * With `--database`: a workspace's clock, faults, resets and auto-advance shared by every
   * instance (`PostgresWorkspaces.openShared`). Absent, they live in this process.
   */
  shared?: (workspaceId: string, clock: SandboxClock) => Promise<SharedSandboxState>;
  /** With `--database`: a workspace's journal, console timeline and coverage, shared (`PostgresWorkspaces.openJournal`). */
  journal?: (workspaceId: string, options: { capacity: number; clock: SandboxClock }) => Promise<SharedJournalLog>;
}

export const DEFAULT_WORKSPACE_TTL_SECONDS = 7 * 24 * 60 * 60;
export const DEFAULT_MAX_WORKSPACES = 100;
/** A workspace's last use is written at most this often (its TTL is days; its requests are many). */
const TOUCH_EVERY_MS = 60_000;

/** The controls of a workspace are reached only through `workspaceControls`, which checks its key. */
class CheckedAtTheDoor extends ControlAccess {
  constructor() {
    super(undefined);
  }
  override requiresToken(): boolean {
    return false;
  }
}

/**
 * Every workspace's context comes from here: `open(id)` gives its store, clock, ids, random,
 * faults, journal and coverage, opened once per instance and kept while it lives.
 *
 * @example
 * const { record, secrets } = await registry.create();
 * const workspace = await registry.open(record.id); // workspace.ctx.store, workspace.control.faults…
 */
export class WorkspaceRegistry {
  readonly defaultWorkspace: Workspace;
  readonly ttlMs: number;
  readonly maxWorkspaces: number;
  private readonly catalog: WorkspaceCatalog;
  private readonly stores: WorkspaceStoreFactory;
  private readonly random: Faker;
  private readonly opened = new Map<string, Promise<Workspace | undefined>>();
  private readonly now: () => number;
  readonly caps: WorkspaceCaps;

  constructor(private readonly options: WorkspaceRegistryOptions) {
    this.defaultWorkspace = options.defaultWorkspace;
    this.catalog = options.catalog;
    this.stores = options.stores;
    // A stream of its own: creating workspaces never shifts the default workspace's ids.
    this.random = createRandom(options.seed === undefined ? undefined : options.seed + 7919);
    this.ttlMs = options.ttlMs ?? DEFAULT_WORKSPACE_TTL_SECONDS * 1000;
    this.maxWorkspaces = options.maxWorkspaces ?? DEFAULT_MAX_WORKSPACES;
    this.now = options.now ?? Date.now;
    this.caps = { ...WORKSPACE_CAPS, ...options.caps };
  }

  /** When an idle workspace expires. */
  expiresAt(record: WorkspaceRecord): Date {
    return new Date(record.lastUsedAtMs + this.ttlMs);
  }

  /**
   * Creates a workspace and its fixtures. Resolves with its secrets (shown once) or undefined
   * when the cap on workspaces is reached.
   */
  async create(): Promise<{ record: WorkspaceRecord; secrets: WorkspaceSecrets } | undefined> {
    await this.sweep();
    if ((await this.catalog.count()) >= this.maxWorkspaces) return undefined;
    let id = newWorkspaceId(this.random);
    while (await this.catalog.get(id)) id = newWorkspaceId(this.random);
    const secret = () => randomBytes(24).toString('base64url');
    const secrets: WorkspaceSecrets = { key: `wsk_${id.slice(3)}_${secret()}`, norcapApiKey: secret(), novaClientSecret: secret() };
    const seed = this.options.seed === undefined ? undefined : this.random.number.int({ min: 0, max: 2 ** 31 - 1 });
    const { data, description } = workspaceFixtures(id, createRandom(seed), secrets);
    const nowMs = this.now();
    const record: WorkspaceRecord = { id, keyHash: hashSecret(secrets.key), createdAtMs: nowMs, lastUsedAtMs: nowMs, description, fixtures: data, seed };
    await this.catalog.insert(record);
    return { record, secrets };
  }

  /** The workspace `id`, opened here once; undefined when there is none (or it just expired). */
  async open(id: string): Promise<Workspace | undefined> {
    let opening = this.opened.get(id);
    if (!opening) {
      opening = this.load(id);
      this.opened.set(id, opening);
      opening.then((w) => (w ? undefined : this.opened.delete(id)), () => this.opened.delete(id));
    }
    const workspace = await opening;
    if (!workspace?.record) return workspace;
    const nowMs = this.now();
    if (nowMs >= workspace.record.lastUsedAtMs + this.ttlMs) {
      // Idle too long here; another instance may have used it since: ask the catalog.
      const fresh = await this.catalog.get(id);
      if (!fresh || nowMs >= fresh.lastUsedAtMs + this.ttlMs) {
        await this.delete(id);
        return undefined;
      }
      workspace.record.lastUsedAtMs = fresh.lastUsedAtMs;
    }
    if (nowMs - workspace.record.lastUsedAtMs >= TOUCH_EVERY_MS) {
      workspace.record.lastUsedAtMs = nowMs;
      await this.catalog.touch(id, nowMs);
    }
    return workspace;
  }

  /** True when `key` is workspace's key (constant time). */
  keyMatches(workspace: Workspace, key: string): boolean {
    return workspace.record !== undefined && secretMatches(workspace.record.keyHash, key);
  }

  /** Removes the workspace and everything in it. */
  async delete(id: string): Promise<void> {
    const opening = this.opened.get(id);
    this.opened.delete(id);
    const workspace = await opening?.catch(() => undefined);
    await this.catalog.delete(id);
    if (workspace) await workspace.control.stop();
    await workspace?.log?.close();
    await workspace?.shared?.close();
    await this.stores.remove(id, workspace ? (workspace.ctx.store as WorkspaceStore) : undefined);
  }

  /** Deletes every workspace idle longer than the TTL; runs before each create and on a timer. */
  async sweep(): Promise<void> {
    for (const id of await this.catalog.idleSince(this.now() - this.ttlMs)) await this.delete(id);
  }

  /** Stops every workspace open here (their stores closed, nothing deleted). */
  async close(): Promise<void> {
    const open = [...this.opened.values()];
    this.opened.clear();
    for (const opening of open) {
      const workspace = await opening.catch(() => undefined);
      if (!workspace) continue;
      await workspace.control.stop();
      await workspace.log?.close();
      await workspace.shared?.close();
      await (workspace.ctx.store as WorkspaceStore).close();
    }
  }

  private async load(id: string): Promise<Workspace | undefined> {
    const record = await this.catalog.get(id);
    if (!record) return undefined;
    const store = await this.stores.open(id, () => structuredClone(record.fixtures));
    const random = createRandom(record.seed);
    const clock = new SandboxClock({ frozenAt: this.options.frozenAt });
    const shared = await this.options.shared?.(id, clock);
    // Instances sharing a workspace each mint ids from a stream of their own, never the same id.
    if (shared && shared.instance > 1 && record.seed !== undefined) random.seed([record.seed, shared.instance]);
    const ctx: AppContext<SandboxData> = {
      store: cappedStore(store, this.caps),
      clock,
      ids: new IdFactory(random, { seeded: record.seed !== undefined }),
      random,
      tokenPrefix: `${id}.`,
    };
    const control = createControlPlane(ctx, {
      access: new CheckedAtTheDoor(),
      autoAdvance: this.options.autoAdvance,
      journalSize: this.caps.journalEntries,
      sleep: this.options.sleep,
      ...(shared && { shared }),
    });
    const log = await this.options.journal?.(id, { capacity: control.journal.capacity, clock });
    if (log) shareJournal(control, shared, log);
    return { id, ctx, control, record, ...(shared && { shared }), ...(log && { log }) };
  }
}
