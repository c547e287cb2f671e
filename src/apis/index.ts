import type { ApiModule } from '../core/api-module.js';
import { norcapApi } from './norcap/index.js';
import type { NorcapData } from './norcap/types.js';
import { novaApi } from './nova/index.js';
import type { NovaData } from './nova/types.js';

/** Every collection of every API: the shape of the whole store. */
export type SandboxData = NorcapData & NovaData;

/** The APIs this server mounts, in the order their prefixes are tried. */
// Each module knows only its own collections; over the whole store it reads and writes just those.
export const API_MODULES: readonly ApiModule<SandboxData>[] = [norcapApi as unknown as ApiModule<SandboxData>, novaApi as unknown as ApiModule<SandboxData>];

/** The API owning a request path, if any. */
export function apiForPath(path: string): ApiModule<SandboxData> | undefined {
  return API_MODULES.find((api) => api.mountPaths.some((prefix) => path === prefix || path.startsWith(`${prefix}/`)));
}
