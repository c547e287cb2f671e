import type { Faker } from '@faker-js/faker';
import type { Request } from 'express';
import type { SandboxClock } from './clock.js';
import type { ApiName } from './contract/spec.js';
import type { OperationRef } from './contract/operations.js';
import type { Failure } from './errors.js';
import type { Step } from './pipeline/steps.js';
import type { IdFactory } from './ids.js';
import type { ReadAhead } from './store/read-ahead.js';
import type { CollectionSchemas, RecordStore } from './store/record-store.js';
import type { Collections } from './store/types.js';

/** What every part of the app is handed: the one store, clock, id factory and random source. */
export interface AppContext<D extends Collections = Collections> {
  store: RecordStore<D>;
  clock: SandboxClock;
  ids: IdFactory;
  random: Faker;
  /**
   * Prefix of the access tokens issued in this context: a workspace's id and a dot, so that a
   * request's token names its workspace without a lookup (`src/workspaces/`). None by default.
   */
  tokenPrefix?: string;
}

/** How the app serves every API, for steps that parse something themselves. */
export interface RouterOptions {
  /** Largest request body accepted (the app's `bodyLimit`, e.g. `1mb`), whatever its media type. */
  bodyLimit: string;
  /** Most idempotency answers a store keeps (default `DEFAULT_MAX_KEY_RECORDS`, 10,000); lower in tests. */
  maxIdempotencyKeys?: number;
}

/** An error answer in an API's own envelope. */
export interface RenderedError {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * How the sandbox control plane moves an API's distributions through their documented
 * statuses (`POST /_sandbox/<api>/distributions/{id}/status`, `--auto-advance`). Each API
 * implements it beside its handlers (`src/apis/<api>/lifecycle.ts`); the control plane only
 * calls it.
 */
export interface LifecycleHooks<D extends Collections = Collections> {
  /** Every status, in the order the API documents them. */
  statuses: readonly string[];
  /**
   * Moves one distribution (any owner) to `status`, stamping timestamps from the clock, and
   * resolves with its public object. Throws an `ApiFailure` (`not_found`, or `rule` with 409
   * for an impossible move) otherwise.
   */
  move(ctx: AppContext<D>, id: string, status: string): Promise<unknown>;
  /** Progresses every distribution that is due, after the clock moved (`--auto-advance`). */
  autoAdvance?(ctx: AppContext<D>): Promise<void>;
}

/**
 * One API plugged into the server: where it is mounted, its state, its router and how it
 * renders failures. The app, the journal, fault injection and coverage treat both APIs alike
 * through this interface.
 */
export interface ApiModule<D extends Collections = Collections> {
  name: ApiName;
  /** Path prefixes the API owns, e.g. `['/v3/custody']`. */
  mountPaths: string[];
  /** The fixture state of this API's collections (generated once per app). */
  fixtures(random: Faker): D;
  /** Which of its collections are listed per owner (see `CollectionSchemas`). */
  schemas: CollectionSchemas<D>;
  /**
   * Its reference collections: written by the fixtures (seed and reset) and by nothing else, so
   * a store may keep what it read of them (the PostgreSQL store does: a credential or an account
   * costs no round trip after its first read). A commit that writes one is a bug and throws.
   */
  fixedCollections: readonly (keyof D & string)[];
  /** What a request to one of its operations will read (records, a page), fetched ahead with the shared state (see `ReadAhead`). */
  readAhead?: ReadAhead;
  /**
   * Whether the read-ahead of this request needs its parsed body (a keyed create's claim, a
   * batch's references): the pipeline then reads the body before the faults step
   * (`readBodyAhead`), with the shared state only.
   */
  bodyAhead?(req: Request, operation: OperationRef): boolean;
  /**
   * The API's own steps, one straight list per mount path (`mountPaths`), after the pipeline's
   * CORS, faults and `--strict` and before its error envelope (`apiPipeline`): authentication,
   * the body, validation, the handler. A request walks the list of the mount it is under.
   */
  steps(ctx: AppContext<D>, options: RouterOptions): Record<string, Step[]>;
  /**
   * Renders a failure in the API's envelope. `request` (when the caller knows it) lets one API
   * answer some paths differently, e.g. Nova's `/oauth/token` speaks RFC 6749 errors.
   */
  renderError(failure: Failure, request?: { path: string }): RenderedError;
  lifecycle?: LifecycleHooks<D>;
}
