// (j) Prism 5 (`prism mock openapi/norcap.yaml`) beside the sandbox, on the same NorCap create.
// Prism is a bench-only install: bench/prism/ is a package of its own with its lockfile, put in
// place by `npm ci` there on first use (never a dependency of the sandbox, never in CI).
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { stopChild } from './harness.js';

const DIR = fileURLToPath(new URL('./prism/', import.meta.url));
const CLI = join(DIR, 'node_modules/@stoplight/prism-cli/dist/index.js');
const SPEC = fileURLToPath(new URL('../openapi/norcap.yaml', import.meta.url));

/** Installs bench/prism/ from its lockfile when it is not there yet (scripts off: Prism needs none, and one of its dependencies would phone home). */
export function ensurePrism() {
  if (existsSync(CLI)) return;
  execFileSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: DIR, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, SCARF_ANALYTICS: 'false' } });
}

/** A port nothing listens on now: Prism takes a port, not 0. */
async function freePort() {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

/** Starts Prism's mock server on the NorCap document; resolves `{ url, stop }` once it says it listens. Its request log is read and dropped, as ours is. */
export async function startPrism() {
  ensurePrism();
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, 'mock', '--host', '127.0.0.1', '--port', String(port), SPEC], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout });
  const listening = new Promise((resolve) => lines.on('line', (line) => line.includes('Prism is listening') && resolve()));
  await Promise.race([
    listening,
    exited.then(([code, signal]) => {
      throw new Error(`prism mock exited (${code ?? signal}) before it listened`);
    }),
  ]);
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => stopChild(child, exited),
  };
}
