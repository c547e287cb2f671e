import type { CollectionSchemas, RecordStore } from '../../src/core/store/record-store.js';
import type { Collections } from '../../src/core/store/types.js';
import { describe } from '@jest/globals';
import { EmbeddedStore } from '../../src/backends/embedded/embedded-store.js';
import { openPostgres } from '../../src/backends/postgres/index.js';
import { describePostgres, testSchema } from './postgres.js';

/**
 * The stores the conformance suite (`test/store/record-store.contract.test.ts`) runs against.
 * Each factory gives a suite a fresh backing state (`setup`) in which it opens stores per
 * workspace; opening the same workspace twice gives a second instance over the same state
 * (for PostgreSQL a second pool, as another server would have).
 */
export interface StoreFactory {
  name: string;
  /** `describe`, or skip/fail when the backend is not there (see `describePostgres`). */
  describe(name: string, body: () => void): void;
  setup(): Promise<StoreBackend>;
}

export interface StoreBackend {
  open<D extends Collections>(options: { workspace: string; schemas: CollectionSchemas<D>; fixtures: () => D }): Promise<RecordStore<D>>;
  /** Closes every store it opened and drops the state. */
  teardown(): Promise<void>;
}

export const postgresFactory: StoreFactory = {
  name: 'PostgreSQL',
  describe: describePostgres,
  async setup() {
    const schema = testSchema();
    const closers: (() => Promise<void>)[] = [];
    return {
      async open(options) {
        const store = await openPostgres({ url: schema.url, schema: schema.name, max: 5, ...options });
        closers.push(() => store.close());
        return store;
      },
      async teardown() {
        await Promise.all(closers.map((close) => close()));
        await schema.drop();
      },
    };
  },
};

/**
 * The embedded store: one in-memory state per workspace, so opening a workspace again gives the
 * same store (one process is one instance).
 */
export const embeddedFactory: StoreFactory = {
  name: 'embedded',
  describe,
  async setup() {
    const open = new Map<string, RecordStore<Collections>>();
    return {
      async open<D extends Collections>(options: { workspace: string; schemas: CollectionSchemas<D>; fixtures: () => D }) {
        let store = open.get(options.workspace) as RecordStore<D> | undefined;
        if (!store) {
          store = await EmbeddedStore.open<D>({ fixtures: options.fixtures, schemas: options.schemas });
          open.set(options.workspace, store as unknown as RecordStore<Collections>);
        }
        return store;
      },
      async teardown() {
        open.clear();
      },
    };
  },
};

/** Every store implementation: the conformance suite runs once per entry. */
export const STORE_FACTORIES: StoreFactory[] = [embeddedFactory, postgresFactory];
