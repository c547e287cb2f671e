/** A schema name for SQL text; only plain lower-case names are accepted, so quoting is exact. */
export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`invalid schema name '${name}': use lower-case letters, digits and _`);
  return `"${name}"`;
}
