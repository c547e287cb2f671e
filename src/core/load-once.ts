/**
 * A module loaded on first use rather than at start, once for the whole process: every caller,
 * concurrent ones included, shares the one `import()` (jest's module linker fails two
 * concurrent first imports of one module, and a second load would only cost time).
 *
 * @example
 * const postgresModule = loadOnce(() => import('./postgres/open.js'));
 * const { openPostgresBackend } = await postgresModule();
 */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => (loading ??= load());
}
