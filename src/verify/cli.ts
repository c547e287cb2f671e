import { Command, InvalidArgumentError, Option, type OutputConfiguration } from 'commander';
import { reportJson } from './report-json.js';
import { reportJunit } from './report-junit.js';
import { reportTable } from './report-table.js';
import { verify, type VerifyOptions, type VerifyReport } from './runner.js';

export interface VerifyCliOptions extends VerifyOptions {
  json?: string;
  junit?: string;
}

function url(value: string): string {
  try {
    const parsed = new URL(value);
    if (!/^https?:$/.test(parsed.protocol)) throw new Error();
    return value;
  } catch {
    throw new InvalidArgumentError('expected an http(s) base URL, e.g. http://127.0.0.1:4010');
  }
}

/**
 * `fund-sandbox verify …`: parsed with commander (errors throw its `CommanderError`, exit
 * code 2 here: a verify that cannot start is "could not run"). Credentials are never flags.
 */
export function parseVerifyCli(args: string[], output?: OutputConfiguration): VerifyCliOptions {
  const program = new Command()
    .name('fund-sandbox verify')
    .description('Replay the contract cases of openapi/<api>.yaml against --target and a mock sandbox and report where they differ.\nCredentials come from the profile or the environment (NORCAP_CLIENT_ID, NORCAP_API_KEY; NOVA_CLIENT_ID, NOVA_CLIENT_SECRET, NOVA_TOKEN_URL), never from flags.')
    .addOption(new Option('--api <api>', 'the API to check').choices(['norcap', 'nova']).makeOptionMandatory())
    .addOption(new Option('--target <url>', 'base URL of the API checked (the provider\'s sandbox, or another instance of this server)').argParser(url).makeOptionMandatory())
    .addOption(new Option('--mock <url>', 'base URL of the mock (default: a fresh in-process sandbox)').argParser(url))
    .addOption(new Option('--seed <n>', 'seed of the in-process mock').argParser((v) => {
      if (!/^\d+$/.test(v)) throw new InvalidArgumentError('seed must be a non-negative integer');
      return Number(v);
    }))
    .addOption(new Option('--profile <file>', "the target's fixture values, credentials, ignored fields and rate limit (YAML or JSON); without it the target is taken to be another sandbox with the README's fixtures"))
    .addOption(new Option('--allow-writes', 'send the cases that create (POST), each tagged with the run tag and an Idempotency-Key where the API takes one'))
    .addOption(new Option('--include-auth-failures', 'send the cases with wrong credentials (they can lock an account)'))
    .addOption(new Option('--only <operationIds>', 'only the cases calling these operations (comma-separated operationIds)').argParser((v) => v.split(',').map((s) => s.trim()).filter(Boolean)))
    .addOption(new Option('--json <file>', 'write every case and difference as JSON here'))
    .addOption(new Option('--junit <file>', 'write a JUnit XML report here (one testcase per case)'))
    .addOption(new Option('--baseline <file>', 'accepted differences (YAML or JSON), each with a reason and an expiry date'))
    .addOption(new Option('--run-tag <tag>', 'tag of what this run creates (memo / external_reference and Idempotency-Key); rerun with the same tag to create nothing twice').argParser((v) => {
      if (!/^[A-Za-z0-9_.-]{1,40}$/.test(v)) throw new InvalidArgumentError('run tag: 1 to 40 letters, digits, _ . -');
      return v;
    }))
    .addOption(new Option('--dry-run', 'print the plan and send nothing'))
    .addHelpText('after', '\nExit codes: 0 nothing differs, 1 something does, 2 it could not run (unreachable, authentication refused, a profile missing a role, nothing ran).')
    .exitOverride((error) => {
      throw Object.assign(error, { exitCode: error.exitCode === 0 ? 0 : 2 });
    });
  if (output) program.configureOutput(output);
  program.parse(args, { from: 'user' });
  const o = program.opts<{ api: 'norcap' | 'nova'; target: string; mock?: string; seed?: number; profile?: string; allowWrites?: boolean; includeAuthFailures?: boolean; only?: string[]; json?: string; junit?: string; baseline?: string; runTag?: string; dryRun?: boolean }>();
  return {
    api: o.api,
    target: o.target,
    mock: o.mock,
    seed: o.seed,
    profile: o.profile,
    allowWrites: o.allowWrites ?? false,
    includeAuthFailures: o.includeAuthFailures ?? false,
    only: o.only,
    json: o.json,
    junit: o.junit,
    baseline: o.baseline,
    runTag: o.runTag,
    dryRun: o.dryRun ?? false,
  };
}

/** Runs `verify` from parsed options: the table (or plan) on stdout, the reports written, the exit code returned. */
export async function runVerify(options: VerifyCliOptions, write: (text: string) => void = (t) => process.stdout.write(t)): Promise<{ code: number; report: VerifyReport }> {
  const report = await verify(options);
  if (report.exitCode === 2) write(`verify could not run: ${report.reason ?? 'unknown reason'}\n`);
  else if (report.dryRun) {
    write(`plan against ${report.target} (run tag ${report.runTag}); nothing sent:\n`);
    for (const c of report.cases) write(`  ${c.skipped && c.skipped !== 'dry run: nothing sent' ? 'skip' : 'run '} ${c.id}: ${c.steps.map((s) => s.operation).join(' → ')}${c.skipped && c.skipped !== 'dry run: nothing sent' ? ` (${c.skipped})` : ''}\n`);
  } else write(reportTable(report));
  if (options.json) await reportJson(report, options.json);
  if (options.junit) reportJunit(report, options.junit);
  return { code: report.exitCode, report };
}
