import { AsyncLocalStorage } from 'node:async_hooks';
import type { SandboxData } from '../apis/index.js';
import type { Faker } from '@faker-js/faker';
import type { AppContext } from '../core/api-module.js';
import { SandboxClock, type ClockListener } from '../core/clock.js';
import { IdFactory } from '../core/ids.js';
import type { AssumedSharedState } from '../core/store/assumed-state.js';
import type { KeyClaim, PageQuery, RecordRef, RecordStore, Transaction } from '../core/store/record-store.js';
import type { Workspace } from './registry.js';

/**
 * The workspace a request acts in, found once at the door from its credentials. Mutable: the
 * token endpoint learns a form-body client's workspace only once the form is read.
 */
export interface WorkspaceScope {
  workspace: Workspace;
  /** True when the request's credentials named an existing workspace (not the default by fallback). */
  named: boolean;
  /** True for `/_sandbox` requests; false for the APIs' (whose creates are capped). */
  controls: boolean;
  /** With `--database`: the shared state the request runs on from this instance's copy, which its commit checks (`AssumedSharedState`). */
  assumed?: AssumedSharedState | undefined;
}

const scopes = new AsyncLocalStorage<WorkspaceScope>();

/** The current request's scope, or undefined outside a request (background work, the library). */
export function currentScope(): WorkspaceScope | undefined {
  return scopes.getStore();
}

/** Runs `next` (and everything it starts) in `scope`. */
export function runInScope(scope: WorkspaceScope, next: () => void): void {
  scopes.run(scope, next);
}

/**
 * The context every handler captures at router construction, reading the current request's
 * workspace on each use: its `store`, `clock` and `ids` are stand-ins that forward every call to
 * the request's workspace's own (so a router that captured `ctx.store` once still reaches the
 * right store), and a call outside any request scope (background work, the library) reaches
 * `fallback`'s. The handlers stay as they are.
 *
 * @example
 * const ctx = routedContext(defaultWorkspace.ctx);
 * createApp(ctx, { control }); // every handler's ctx.store is the request's workspace's store
 */
export function routedContext(fallback: AppContext<SandboxData>): AppContext<SandboxData> {
  const current = (): AppContext<SandboxData> => scopes.getStore()?.workspace.ctx ?? fallback;
  return {
    store: new RoutedStore(() => current().store),
    clock: new RoutedClock(() => current().clock),
    ids: new RoutedIds(() => current().ids, fallback.random),
    get random() {
      return current().random;
    },
    get tokenPrefix() {
      return current().tokenPrefix;
    },
  };
}

class RoutedStore implements RecordStore<SandboxData> {
  constructor(private readonly target: () => RecordStore<SandboxData>) {}
  get<C extends keyof SandboxData & string>(collection: C, id: string) {
    return this.target().get(collection, id);
  }
  getMany<C extends keyof SandboxData & string>(refs: readonly RecordRef<C>[]) {
    return this.target().getMany(refs);
  }
  page<C extends keyof SandboxData & string>(collection: C, owner: string, query: PageQuery) {
    return this.target().page(collection, owner, query);
  }
  count<C extends keyof SandboxData & string>(collection: C, owner?: string) {
    return this.target().count(collection, owner);
  }
  scan<C extends keyof SandboxData & string>(collection: C, owner?: string) {
    return this.target().scan(collection, owner);
  }
  commit<T>(build: (tx: Transaction<SandboxData>) => T) {
    return this.target().commit(build);
  }
  claimKey(collection: keyof SandboxData & string, id: string, claim: KeyClaim) {
    return this.target().claimKey(collection, id, claim);
  }
  releaseKey(collection: keyof SandboxData & string, id: string, claimToken: string) {
    return this.target().releaseKey(collection, id, claimToken);
  }
  reset() {
    return this.target().reset();
  }
}

class RoutedClock extends SandboxClock {
  constructor(private readonly target: () => SandboxClock) {
    super();
  }
  override nowMs(): number {
    return this.target().nowMs();
  }
  override now(): Date {
    return this.target().now();
  }
  override get frozen(): boolean {
    return this.target().frozen;
  }
  override get offsetSeconds(): number {
    return this.target().offsetSeconds;
  }
  override advance(seconds: number): Date {
    return this.target().advance(seconds);
  }
  override resetOffset(): void {
    this.target().resetOffset();
  }
  override onAdvance(listener: ClockListener): () => void {
    return this.target().onAdvance(listener);
  }
}

class RoutedIds extends IdFactory {
  constructor(
    private readonly target: () => IdFactory,
    random: Faker,
  ) {
    super(random);
  }
  override uuid(): string {
    return this.target().uuid();
  }
  override prefixed(prefix: string, length?: number): string {
    return this.target().prefixed(prefix, length);
  }
  override short(length?: number): string {
    return this.target().short(length);
  }
}
