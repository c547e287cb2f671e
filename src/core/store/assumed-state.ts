/**
 * With `--database`, a request that has nothing to read before its commit (a NorCap create, a
 * Nova token) runs on the shared clock and faults this instance kept from its last read, while
 * no change of them has been announced (`PostgresSharedState.cachedVersion`), instead of reading
 * them again: one round trip saved. A notification can arrive late, so the copy is a
 * forecast, checked before the request has any effect:
 *
 * - its commit carries a guard: it writes only if the shared state's version is still `version`
 *   (the first check of the commit, `commitCall`), and sets `confirmed` when it did;
 * - an answer without a commit asks first whether the version is still the same
 *   (`SharedSandboxState.stillAt`, one round trip, on error paths only).
 *
 * When it is not, nothing was written, and the request runs again from the faults step on a
 * fresh read (`StaleSharedStateError`). A clock moved, a fault armed or a reset on another
 * instance is so seen by every instance on its next request, as when each request read it.
 *
 * The request's workspace scope carries it to the store's commit (`WorkspaceScope.assumed`).
 */
export interface AssumedSharedState {
  /** The shared state's version the request ran on. */
  readonly version: number;
  /** True once a commit or a check found the version unchanged: from then on the request's answer stands. */
  confirmed: boolean;
}

/**
 * A commit found the shared state changed since the version its request ran on (see
 * `AssumedSharedState`). Nothing was written; the pipeline runs the request again on a fresh read.
 */
export class StaleSharedStateError extends Error {
  override readonly name = 'StaleSharedStateError';

  constructor(readonly version: number) {
    super(`the shared sandbox state moved on from version ${version} while the request ran on it; nothing was written`);
  }
}
