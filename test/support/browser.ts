import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * Where a Chromium-family browser usually lives, in the order they are tried after
 * `CHROME_PATH`. Nothing here downloads a browser: the tests use one that is installed.
 */
export const BROWSER_LOCATIONS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
] as const;

/** Headless, no sandbox (root in CI), and nothing phoning home. */
export const BROWSER_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export type BrowserSearch = { found: true; path: string } | { found: false; reason: string };

/**
 * The browser to launch: `CHROME_PATH` when set (and it must exist: a path given on purpose is
 * never silently replaced by another browser), otherwise the first of `BROWSER_LOCATIONS` that
 * exists. Pure over `env` and `exists`, so it is tested without touching the disk.
 *
 * @example
 * findBrowser({ CHROME_PATH: '/opt/chrome' }, () => true); // { found: true, path: '/opt/chrome' }
 */
export function findBrowser(env: NodeJS.ProcessEnv, exists: (path: string) => boolean): BrowserSearch {
  const chosen = env.CHROME_PATH?.trim();
  if (chosen) return exists(chosen) ? { found: true, path: chosen } : { found: false, reason: `CHROME_PATH is ${chosen}, which does not exist` };
  const path = BROWSER_LOCATIONS.find((candidate) => exists(candidate));
  return path ? { found: true, path } : { found: false, reason: `no browser at CHROME_PATH (unset) or ${BROWSER_LOCATIONS.join(', ')}` };
}

/** How a person gets the browser tests to run. */
export const INSTALL_HINT = 'install one (Debian/Ubuntu: apt-get install chromium; macOS: Google Chrome or Chromium in /Applications) or set CHROME_PATH to a Chromium-family executable';

/** Whether this run is CI, where a missing browser is a failure, not a skip. */
export function isCi(env: NodeJS.ProcessEnv): boolean {
  return ['1', 'true', 'yes'].includes((env.CI ?? '').trim().toLowerCase());
}

/**
 * The browser for this test file, or `undefined` when there is none and this is not CI: the
 * caller skips its browser tests, and a notice saying how to run them goes to stderr. Under
 * `CI=true` a missing browser throws, failing the file.
 */
export function browserForTests(env: NodeJS.ProcessEnv = process.env, exists: (path: string) => boolean = existsSync): string | undefined {
  const search = findBrowser(env, exists);
  if (search.found) return search.path;
  const message = `browser tests need a Chromium-family browser: ${search.reason}; ${INSTALL_HINT}`;
  if (isCi(env)) throw new Error(`${message} (CI=true: a missing browser is a failure)`);
  process.stderr.write(`\nSKIPPING browser tests: ${message}\n\n`);
  return undefined;
}

/** Launches the browser headless with `BROWSER_ARGS`. */
export function launchBrowser(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, args: BROWSER_ARGS });
}
