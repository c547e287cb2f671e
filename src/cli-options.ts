import { Command, InvalidArgumentError, Option } from 'commander';
import type { SandboxOptions } from './sandbox.js';

export interface CliOptions extends SandboxOptions {
  port: number;
  host: string;
}

function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}`);
    return n;
  };
}

/**
 * The command line: every flag has an environment twin (commander's `.env()`), and flags win
 * over the environment. Parsing is kept apart from `cli.ts` so it can be tested without a server.
 *
 * @example
 * parseCli(['node', 'cli', '--port', '5000']).port; // 5000
 */
export function parseCli(argv: string[], env: NodeJS.ProcessEnv = process.env): CliOptions {
  const program = new Command()
    .name('fund-sandbox')
    .description('Stateful mock and contract-test server for the Nova and NorCap custody fund-distribution APIs')
    .addOption(new Option('--port <port>', 'port to listen on (0 picks a free one)').env('PORT').default(4010).argParser(integer('port', 0, 65535)))
    .addOption(new Option('--host <host>', 'address to listen on').env('HOST').default('127.0.0.1'))
    .addOption(new Option('--seed <seed>', 'seed for generated fixtures and ids (reproducible runs)').env('SANDBOX_SEED').argParser(integer('seed', 0, 2 ** 31 - 1)))
    .exitOverride()
    .showHelpAfterError();
  // Commander reads env twins from process.env; a test passes its own env.
  const saved = process.env;
  process.env = env;
  try {
    program.parse(argv);
  } finally {
    process.env = saved;
  }
  const opts = program.opts<{ port: number; host: string; seed?: number }>();
  return { port: opts.port, host: opts.host, seed: opts.seed };
}
