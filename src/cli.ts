#!/usr/bin/env node
import { CommanderError } from 'commander';
import { parseCli, type CliOptions } from './cli-options.js';
import { createSandbox } from './sandbox.js';

async function main(): Promise<void> {
  let options: CliOptions;
  try {
    options = parseCli(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode);
    throw error;
  }
  const sandbox = await createSandbox(options);
  const url = await sandbox.start(options.port, options.host);
  process.stdout.write(`fund-distribution sandbox listening on ${url}\n`);
  const shutdown = (): void => {
    void sandbox.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
