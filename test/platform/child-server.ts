import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request, type Agent, type IncomingHttpHeaders } from 'node:http';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = `${ROOT}dist/cli.js`;

/** `npm test` builds first (pretest); a direct jest run on a fresh clone builds here. */
export function ensureBuilt(): void {
  if (!existsSync(CLI)) execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
}

export interface ChildServer {
  child: ChildProcess;
  url: string;
  /** Every stdout line so far. */
  lines: string[];
  /** Resolves with the first stdout line (now or later) that matches. */
  waitForLine(pattern: RegExp): Promise<string>;
  /** Resolves with the exit code and signal once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface ChildOptions {
  /** Working directory (default: the repository root). */
  cwd?: string;
  /**
   * Extra environment variables. When given, `--port 0 --host 127.0.0.1` are not passed: the
   * environment says where to listen (`PORT`, `HOST`).
   */
  env?: Record<string, string>;
}

/**
 * Runs the built CLI as a real process on a free loopback port and resolves once it has said
 * where it listens (its first stdout line), so no test guesses a port or sleeps.
 */
export async function startChild(args: string[], options: ChildOptions = {}): Promise<ChildServer> {
  ensureBuilt();
  const where = options.env ? [] : ['--port', '0', '--host', '127.0.0.1'];
  // The sandbox's own variables in the test runner's environment must not leak into the child.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(SANDBOX_|PORT$|HOST$|DATABASE_URL$)/.test(name)));
  const env = { ...inherited, ...options.env };
  const child = spawn(process.execPath, [CLI, ...where, ...args], { cwd: options.cwd ?? ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = once(child, 'close').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    lines.push(line);
    for (const waiter of waiters.filter((w) => w.pattern.test(line))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  });
  const waitForLine = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const seen = lines.find((line) => pattern.test(line));
      if (seen) return resolve(seen);
      waiters.push({ pattern, resolve });
      void exited.then(({ code, signal }) => reject(new Error(`server exited (${code ?? signal}) before printing ${pattern}: ${stderr}`)));
    });
  const first = await waitForLine(/listening on http:\/\//);
  const url = /listening on (http:\/\/[^\s"]+)/.exec(first)?.[1] as string;
  return { child, url, lines, waitForLine, exited };
}

export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** One JSON request over loopback. */
export function httpJson(method: string, url: string, options: { body?: unknown; headers?: Record<string, string>; agent?: Agent } = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = request(url, {
      method,
      agent: options.agent,
      headers: { ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(payload)) } : {}), ...options.headers },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : undefined });
      });
    });
    req.end(payload);
  });
}
