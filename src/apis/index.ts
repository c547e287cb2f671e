import type { ApiModule } from '../core/api-module.js';
import { OperationIndex, type OperationRef } from '../core/contract/operations.js';
import type { ApiName } from '../core/contract/spec.js';
import type { CollectionSchemas } from '../core/store/record-store.js';
import { norcapApi } from './norcap/index.js';
import type { NorcapData } from './norcap/types.js';
import { novaApi } from './nova/index.js';
import type { NovaData } from './nova/types.js';

/** Every collection of every API: the shape of the whole store. */
export type SandboxData = NorcapData & NovaData;

/** The APIs this server mounts, in the order their prefixes are tried. */
// Each module knows only its own collections; over the whole store it reads and writes just those.
export const API_MODULES: readonly ApiModule<SandboxData>[] = [norcapApi as unknown as ApiModule<SandboxData>, novaApi as unknown as ApiModule<SandboxData>];

/** Every API's collection schemas together: how the whole store lists per owner. */
export function sandboxSchemas(): CollectionSchemas<SandboxData> {
  return Object.assign({}, ...API_MODULES.map((api) => api.schemas)) as CollectionSchemas<SandboxData>;
}

/** Every API's reference collections (`ApiModule.fixedCollections`): only fixtures write them. */
export function sandboxFixedCollections(): readonly (keyof SandboxData & string)[] {
  return API_MODULES.flatMap((api) => api.fixedCollections);
}

/** The API owning a request path, if any. */
export function apiForPath(path: string): ApiModule<SandboxData> | undefined {
  return API_MODULES.find((api) => api.mountPaths.some((prefix) => path === prefix || path.startsWith(`${prefix}/`)));
}

/** True for the sandbox's own control API (`/_sandbox/...`). */
export function isSandboxPath(path: string): boolean {
  return path === '/_sandbox' || path.startsWith('/_sandbox/');
}

/**
 * Which spec a request falls under and the documented operation it hits, if any: the one
 * lookup behind the request log, the journal and coverage.
 *
 * @example
 * operationOf('GET', '/v3/custody/distributions'); // { api: 'norcap', operation: { operationId: 'listDistributions', … } }
 * operationOf('GET', '/nowhere');                  // { api: null, operation: undefined }
 */
export function operationOf(method: string, path: string): { api: ApiName | null; operation: OperationRef | undefined } {
  const api: ApiName | null = apiForPath(path)?.name ?? (isSandboxPath(path) ? 'sandbox' : null);
  return { api, operation: api ? OperationIndex.for(api).match(method, path) : undefined };
}
