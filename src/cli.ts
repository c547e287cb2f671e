#!/usr/bin/env node
import closeWithGrace from 'close-with-grace';
import { CommanderError } from 'commander';
import { pino } from 'pino';
import { parseCli, unwritableReason, type CliOptions } from './cli-options.js';
import { createLogger, type Logger } from './core/logging.js';
import { createSandbox, type Sandbox } from './sandbox.js';

/**
 * `fund-sandbox`: serve until SIGTERM, SIGINT or SIGHUP, then stop accepting connections, let
 * in-flight requests finish (and log them), flush the data file (`--data`), write the coverage
 * report (`--coverage-out`, also printed as a table on stdout), log `stopped` and exit 0. A
 * second signal exits at once (1).
 *
 * The first line on stdout says where it listens (`… listening on http://127.0.0.1:4010`), as
 * JSON when logging is on, as plain text under `--quiet`: with `--port 0` it is how a caller
 * learns the port.
 */
async function main(): Promise<void> {
  if (process.argv[2] === 'verify') return verifyMain(process.argv.slice(3));
  let options: CliOptions;
  try {
    options = parseCli(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode);
    throw error;
  }
  // Found out now, not at shutdown after a whole run's coverage was counted.
  const unwritable = options.coverageOut === undefined ? undefined : await unwritableReason(options.coverageOut);
  if (unwritable) throw new Error(`error: --coverage-out ${options.coverageOut}: ${unwritable}`);

  // Under --quiet the logger still writes server errors; only the per-request lines and the
  // info lines go (the start line is then plain text).
  const stdout = pino.destination({ dest: 1, sync: false });
  const logger = createLogger(stdout);
  if (options.quiet) logger.level = 'warn';
  const sandbox = await createSandbox({ ...options, logger });
  const url = await sandbox.start(options.port, options.host);
  if (!options.quiet) logger.info({ url, data: options.data ?? null, strict: options.strict, cors: options.cors }, `fund-distribution sandbox listening on ${url}`);
  else process.stdout.write(`fund-distribution sandbox listening on ${url}\n`);
  stopGracefully(sandbox, { logger, stdout }, options.coverageOut);
}

/** `fund-sandbox verify …` (src/verify/): exits 0, 1 (differences) or 2 (could not run). */
async function verifyMain(args: string[]): Promise<void> {
  const { parseVerifyCli, runVerify } = await import('./verify/cli.js');
  let options;
  try {
    options = parseVerifyCli(args);
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode);
    throw error;
  }
  const { code } = await runVerify(options);
  process.exitCode = code;
}

/** The request log and the asynchronous stdout stream under it (ended, so drained, before exit). */
interface Log {
  logger: Logger;
  stdout: ReturnType<typeof pino.destination>;
}

/**
 * Signals and crashes go through close-with-grace (SIGTERM, SIGINT, SIGHUP and the other
 * terminating signals, an uncaught exception or unhandled rejection): one graceful stop, a second
 * signal exits 1 at once, and the process exits 0 once `stop` resolved (1 when it threw or a
 * crash started it). No timeout: a slow in-flight request (a fault's `latency_ms`) is let finish;
 * a second signal is the way out.
 *
 * `coverageOut`: once stopped (the report written there), the same report as a table on stdout,
 * for a CI log.
 */
function stopGracefully(sandbox: Sandbox, log: Log | undefined, coverageOut: string | undefined): void {
  const logger = log?.logger;
  closeWithGrace(
    {
      delay: false,
      logger: false,
      onSecondSignal: (signal) => process.stderr.write(`${signal} again: exiting without finishing\n`),
      onSecondError: (error) => process.stderr.write(`another error while stopping: ${describe(error)}\n`),
    },
    async ({ signal, err }) => {
      if (err) {
        if (logger) logger.error({ err }, 'crashed: stopping');
        process.stderr.write(`crashed: ${describe(err)}\n`);
      } else {
        logger?.info({ signal: signal ?? null }, 'shutting down: finishing in-flight requests');
      }
      try {
        await sandbox.stop(); // resolves once every in-flight response is out and logged
      } catch (error) {
        process.stderr.write(`shutdown failed: ${describe(error)}\n`);
        await drain(log);
        throw error; // close-with-grace exits 1
      }
      logger?.info('stopped');
      await drain(log, coverageOut ? `contract coverage written to ${coverageOut}\n${sandbox.coverage.table()}` : undefined);
    },
  );
}

/**
 * Writes `trailer` after every log line so far and resolves once all of it has reached stdout.
 * pino's `flush(cb)` on an asynchronous destination calls back before the write is done (the
 * `stopped` line could land after the table, or after exit); ending the stream waits for it.
 */
function drain(log: Log | undefined, trailer?: string): Promise<void> {
  if (!log) return new Promise((resolve) => (trailer ? process.stdout.write(trailer, () => resolve()) : resolve()));
  const { stdout } = log;
  if (trailer) stdout.write(trailer);
  return new Promise((resolve) => {
    stdout.once('close', () => resolve());
    stdout.end();
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
