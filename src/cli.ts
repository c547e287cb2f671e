#!/usr/bin/env node
import { CommanderError } from 'commander';
import { parseCli, type CliOptions } from './cli-options.js';
import { createLogger, type Logger } from './core/logging.js';
import { createSandbox, type Sandbox } from './sandbox.js';

/**
 * `fund-sandbox`: serve until SIGTERM or SIGINT, then stop accepting connections, let
 * in-flight requests finish, flush the data file (`--data`), write the coverage report
 * (`--coverage-out`, also printed as a table on stdout) and exit 0. A second signal exits at once (1).
 *
 * The first line on stdout says where it listens (`… listening on http://127.0.0.1:4010`), as
 * JSON when logging is on, as plain text under `--quiet`: with `--port 0` it is how a caller
 * learns the port.
 */
async function main(): Promise<void> {
  let options: CliOptions;
  try {
    options = parseCli(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode);
    throw error;
  }
  // Under --quiet the logger still writes server errors; only the per-request lines go.
  const logger = createLogger();
  if (options.quiet) logger.level = 'warn';
  const sandbox = await createSandbox({ ...options, logger });
  const url = await sandbox.start(options.port, options.host);
  if (!options.quiet) logger.info({ url, data: options.data ?? null, strict: options.strict }, `fund-distribution sandbox listening on ${url}`);
  else process.stdout.write(`fund-distribution sandbox listening on ${url}\n`);
  stopOnSignals(sandbox, logger, options.coverageOut);
}

/** `coverageOut`: once stopped (the report written there), the same report as a table on stdout, for a CI log. */
function stopOnSignals(sandbox: Sandbox, logger: Logger | undefined, coverageOut: string | undefined): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.stderr.write(`${signal} again: exiting without finishing\n`);
      process.exit(1);
    }
    stopping = true;
    logger?.info({ signal }, 'shutting down: finishing in-flight requests');
    sandbox.stop().then(
      () => exit(logger, 0, coverageOut ? `contract coverage written to ${coverageOut}\n${sandbox.coverage.table()}` : undefined),
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
        exit(logger, 1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/** Exits once the log lines written so far, then `trailer`, have reached stdout. */
function exit(logger: Logger | undefined, code: number, trailer?: string): void {
  const finish = (): void => {
    if (trailer) process.stdout.write(trailer, () => process.exit(code));
    else process.exit(code);
  };
  if (!logger) return finish();
  logger.info('stopped');
  logger.flush(finish);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
