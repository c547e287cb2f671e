import junitModule, { type Builder } from 'junit-report-builder';

// CommonJS: under Node's ESM the default import is module.exports (the builder), typed as the module.
const junit = ('newBuilder' in junitModule ? junitModule : (junitModule as { default: Builder }).default) as Builder;
import type { VerifyReport } from './runner.js';

/**
 * The JUnit XML report: one testsuite per run, one testcase per case (skipped ones marked
 * skipped, differing ones failed with every difference). Written by junit-report-builder.
 */
export function reportJunit(report: VerifyReport, file: string): void {
  const builder = junit.newBuilder();
  const suite = builder.testSuite().name(`fund-sandbox verify ${report.api} ${report.target}`);
  for (const c of report.cases) {
    const testCase = suite.testCase().className(`verify.${report.api}.${c.operations[0] ?? 'case'}`).name(`${c.id}: ${c.title}`);
    if (c.status === 'skipped') testCase.skipped();
    const failing = c.differences.filter((d) => !d.accepted);
    if (failing.length > 0) {
      testCase.failure(failing.map((d) => `${d.class} drift ${d.kind} ${d.operation} [${d.step}] ${d.header ?? d.pointer ?? ''}: ${d.message}`).join('\n'), 'drift');
    }
    const out = [...c.differences.filter((d) => d.accepted).map((d) => `accepted: ${d.kind} ${d.pointer ?? d.header ?? ''} (${d.accepted?.reason})`), ...c.steps.flatMap((s) => (s.curl ? [s.curl] : []))];
    if (out.length > 0) testCase.standardOutput(out.join('\n'));
  }
  if (report.exitCode === 2) suite.testCase().className(`verify.${report.api}`).name('run').error(report.reason ?? 'could not run');
  builder.writeTo(file);
}
