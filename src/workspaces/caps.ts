import type { SandboxData } from '../apis/index.js';
import { MAX_TOKENS_PER_CLIENT } from '../apis/nova/tokens.js';
import { ApiFailure, type Failure } from '../core/errors.js';
import type { Transaction } from '../core/store/record-store.js';
import { currentScope } from './current.js';
import type { WorkspaceStore } from './registry.js';

/**
 * What one workspace may hold (the README documents them). Records are refused beyond their
 * cap with a 4xx in the API's own envelope; tokens and idempotency keys are bounded as in the
 * default workspace (the oldest token of a client is dropped past `tokens`; idempotency answers
 * are kept 24 hours, at most 10,000, oldest evicted first); the journal keeps its newest entries.
 */
export interface WorkspaceCaps {
  /** NorCap distributions, and each of Nova's entities, contacts and distributions. */
  recordsPerCollection: number;
  /** Live access tokens of the workspace's Nova client. */
  tokens: number;
  /** Entries `GET /_sandbox/requests` keeps. */
  journalEntries: number;
}

export const WORKSPACE_CAPS: WorkspaceCaps = { recordsPerCollection: 1000, tokens: MAX_TOKENS_PER_CLIENT, journalEntries: 200 };

/** The collections the API creates records in, and how each API refuses one more. */
const CAPPED: Partial<Record<keyof SandboxData & string, { noun: string; failure: Pick<Failure, 'kind' | 'status'> }>> = {
  norcapDistributions: { noun: 'NorCap distributions', failure: { kind: 'rule', status: 422 } },
  novaEntities: { noun: 'entities', failure: { kind: 'forbidden', status: 403 } },
  novaContacts: { noun: 'contacts', failure: { kind: 'forbidden', status: 403 } },
  novaDistributions: { noun: 'distributions', failure: { kind: 'forbidden', status: 403 } },
};
const CAPPED_COLLECTIONS = Object.keys(CAPPED) as (keyof SandboxData & string)[];

/**
 * A workspace's store with its record caps: a commit made by an API request that would take a
 * capped collection past `caps.recordsPerCollection` is refused as a whole (nothing written),
 * with a 4xx the API renders in its envelope (NorCap 422, Nova 403). API requests only ever
 * create records in these collections; the controls' lifecycle moves and auto-advance (which
 * update them) are not capped.
 *
 * @example
 * const store = cappedStore(await EmbeddedStore.open({ fixtures }), WORKSPACE_CAPS);
 */
export function cappedStore(inner: WorkspaceStore, caps: WorkspaceCaps): WorkspaceStore {
  const limit = caps.recordsPerCollection;
  return {
    get: (collection, id) => inner.get(collection, id),
    getMany: (refs) => inner.getMany(refs),
    page: (collection, owner, query) => inner.page(collection, owner, query),
    count: (collection, owner) => inner.count(collection, owner),
    scan: (collection, owner) => inner.scan(collection, owner),
    claimKey: (collection, id, claim) => inner.claimKey(collection, id, claim),
    releaseKey: (collection, id, claimToken) => inner.releaseKey(collection, id, claimToken),
    reset: () => inner.reset(),
    close: () => inner.close(),
    commit<T>(build: (tx: Transaction<SandboxData>) => T): Promise<T> {
      if (currentScope()?.controls !== false) return inner.commit(build);
      return inner.commit((tx) => {
        const result = build(tx);
        // Checked by the store as it commits (serialised with every other capped commit), never
        // from a count read before it, which concurrent creates would all pass together.
        for (const collection of CAPPED_COLLECTIONS) {
          if (!tx.ops.some((op) => op.op === 'put' && op.collection === collection)) continue;
          const cap = CAPPED[collection] as NonNullable<(typeof CAPPED)[typeof collection]>;
          tx.refuseBeyond(collection, limit, () =>
            new ApiFailure({ ...cap.failure, message: `this workspace holds at most ${limit} ${cap.noun}; POST /_sandbox/reset with its key starts it over` }),
          );
        }
        return result;
      });
    },
  };
}
