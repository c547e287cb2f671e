import { fileURLToPath } from 'node:url';

/**
 * The package root: `src/core/` and `dist/core/` are both two levels below it, so the same
 * relative URL finds `openapi/` and `fixtures/` from TypeScript sources and from the build.
 */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function packagePath(...parts: string[]): string {
  return `${PACKAGE_ROOT}${parts.join('/')}`;
}
