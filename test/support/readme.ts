import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const README = fileURLToPath(new URL('../../README.md', import.meta.url));

/**
 * The first ```sh block under a README heading (`## NorCap custody API`), as a user pastes it.
 *
 * @example
 * const script = readmeShBlock('## Nova API');
 */
export function readmeShBlock(heading: string): string {
  const readme = readFileSync(README, 'utf8');
  const start = readme.indexOf(`\n${heading}\n`);
  const end = readme.indexOf('\n## ', start + 1);
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(start, end))?.[1];
  if (start === -1 || block === undefined) throw new Error(`README has no sh block under "${heading}"`);
  return block;
}

/**
 * Prepended to a pasted script: each curl also reports its status, method and URL on stderr,
 * which leaves what the commands print, and what `$(…)` captures, untouched.
 */
export const CURL_TRACE = `curl() { command curl -w '%{stderr}%{http_code} %{method} %{url_effective}\\n' "$@"; }\n`;
