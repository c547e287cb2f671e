import type { ApiModule } from '../core/api-module.js';
import { norcapApi } from './norcap/index.js';
import type { NorcapData } from './norcap/types.js';

/** Every collection of every API: the shape of the whole store. */
export type SandboxData = NorcapData;

/** The APIs this server mounts, in the order their prefixes are tried. */
export const API_MODULES: readonly ApiModule<SandboxData>[] = [norcapApi as ApiModule<SandboxData>];

/** The API owning a request path, if any. */
export function apiForPath(path: string): ApiModule<SandboxData> | undefined {
  return API_MODULES.find((api) => api.mountPaths.some((prefix) => path === prefix || path.startsWith(`${prefix}/`)));
}
