import { writeFile } from 'node:fs/promises';
import type { SandboxClock } from '../core/clock.js';
import { OperationIndex, type OperationRef } from '../core/contract/operations.js';
import type { ApiName } from '../core/contract/spec.js';
import type { SharedJournalLog } from './shared-journal.js';

export interface CoverageOperation {
  operationId: string;
  method: string;
  path: string;
  calls: number;
  /** Every documented status (`default` included when documented) → answers. */
  statuses: Record<string, number>;
  /** Answered statuses the operation does not document → answers. */
  undocumented_statuses: Record<string, number>;
}

export interface CoverageGap {
  api: ApiName;
  operationId: string;
  method: string;
  path: string;
  called: boolean;
  /** Documented statuses never answered. */
  statuses: string[];
}

export interface CoverageReport {
  since: string;
  apis: Partial<Record<ApiName, { operations: CoverageOperation[] }>>;
  summary: { operations_total: number; operations_exercised: number; statuses_total: number; statuses_exercised: number };
  never_exercised: CoverageGap[];
}

interface Counts {
  calls: number;
  statuses: Map<string, number>;
}

const METHOD_ORDER = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * Counts, per documented operation, the statuses it answered since start or reset, and reports
 * them against everything the specs document. Recording is one map update per request.
 *
 * @example
 * const coverage = new CoverageTracker(['norcap'], clock);
 * coverage.record(OperationIndex.for('norcap').match('GET', '/v3/custody/distributions')!, 200);
 * coverage.report().summary.operations_exercised; // 1
 * console.log(coverage.table());
 */
export class CoverageTracker {
  private readonly counts = new Map<OperationRef, Counts>();
  private since: Date;

  constructor(
    private readonly apis: readonly ApiName[],
    private readonly clock: SandboxClock,
  ) {
    this.since = clock.now();
  }

  /** With `--database`: the workspace's log, where every instance's counts add up. */
  private log: SharedJournalLog | undefined;

  record(operation: OperationRef, status: number): void {
    const key = statusKey(operation, status);
    this.add(operation, key, 1);
    this.log?.count(operation.api, operation.operationId, key);
  }

  reset(): void {
    this.counts.clear();
    this.since = this.clock.now();
    this.log?.resetCoverage();
  }

  /**
   * From now on the counts are `log`'s (`--database`): each one recorded here is also queued
   * there, and `sync()` reads back what every instance counted.
   */
  share(log: SharedJournalLog): void {
    this.log = log;
  }

  /** Brings the counts up to every instance's (nothing to do in one process). */
  async sync(): Promise<void> {
    if (!this.log) return;
    await this.log.sync();
    const counts = await this.log.coverage();
    this.counts.clear();
    for (const { api, operationId, status, n } of counts) {
      const operation = this.apis.includes(api as ApiName) ? OperationIndex.for(api as ApiName).operations.find((op) => op.operationId === operationId) : undefined;
      if (operation) this.add(operation, status, n);
    }
  }

  private add(operation: OperationRef, key: string, n: number): void {
    let counts = this.counts.get(operation);
    if (!counts) {
      counts = { calls: 0, statuses: new Map() };
      this.counts.set(operation, counts);
    }
    counts.calls += n;
    counts.statuses.set(key, (counts.statuses.get(key) ?? 0) + n);
  }

  report(): CoverageReport {
    const report: CoverageReport = {
      since: this.since.toISOString(),
      apis: {},
      summary: { operations_total: 0, operations_exercised: 0, statuses_total: 0, statuses_exercised: 0 },
      never_exercised: [],
    };
    for (const api of this.apis) {
      const operations = [...OperationIndex.for(api).operations].sort(
        (a, b) => a.path.localeCompare(b.path) || METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method),
      );
      report.apis[api] = { operations: operations.map((op) => this.describe(op, report)) };
    }
    return report;
  }

  /** The report as a plain-text table, for a terminal or a CI log. */
  table(): string {
    return renderTable(this.report());
  }

  /**
   * Writes the JSON report to `file` (what `--coverage-out` does on shutdown) and returns the
   * text table, for the caller to print.
   *
   * @example
   * process.stdout.write(await sandbox.coverage.writeReport('coverage.json'));
   */
  async writeReport(file: string): Promise<string> {
    await this.sync().catch(() => undefined); // shared: every instance's counts, when the database answers
    const report = this.report();
    await writeFile(file, `${JSON.stringify(report, null, 2)}\n`, 'utf8');
    return renderTable(report);
  }

  private describe(op: OperationRef, report: CoverageReport): CoverageOperation {
    const counts = this.counts.get(op);
    const statuses: Record<string, number> = {};
    for (const status of op.statuses) statuses[status] = counts?.statuses.get(status) ?? 0;
    const undocumented: Record<string, number> = {};
    for (const [status, n] of counts?.statuses ?? []) if (!(status in statuses)) undocumented[status] = n;

    const missed = op.statuses.filter((status) => statuses[status] === 0);
    report.summary.operations_total += 1;
    report.summary.statuses_total += op.statuses.length;
    report.summary.statuses_exercised += op.statuses.length - missed.length;
    if (counts) report.summary.operations_exercised += 1;
    if (missed.length > 0) {
      report.never_exercised.push({ api: op.api, operationId: op.operationId, method: op.method, path: op.path, called: counts !== undefined, statuses: missed });
    }
    return { operationId: op.operationId, method: op.method, path: op.path, calls: counts?.calls ?? 0, statuses, undocumented_statuses: undocumented };
  }
}

/** The documented response key a status counts under: exact, then `4XX`-style range, then `default`. */
function statusKey(op: OperationRef, status: number): string {
  const exact = String(status);
  if (op.statuses.includes(exact)) return exact;
  const range = `${exact[0]}XX`;
  if (op.statuses.includes(range)) return range;
  return op.statuses.includes('default') ? 'default' : exact;
}

function renderTable(report: CoverageReport): string {
  const rows: string[][] = [['API', 'OPERATION', 'METHOD', 'PATH', 'CALLS', 'STATUSES (answers; ! = undocumented)']];
  for (const [api, { operations }] of Object.entries(report.apis) as [ApiName, { operations: CoverageOperation[] }][]) {
    for (const op of operations) {
      const documented = Object.entries(op.statuses).map(([s, n]) => `${s}:${n}`);
      const undocumented = Object.entries(op.undocumented_statuses).map(([s, n]) => `!${s}:${n}`);
      rows.push([api, op.operationId, op.method, op.path, String(op.calls), [...documented, ...undocumented].join(' ')]);
    }
  }
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  const lines = rows.map((row) => row.map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col]!))).join('  '));
  const { summary } = report;
  lines.unshift(`Contract coverage since ${report.since}`);
  lines.push(
    '',
    `operations exercised: ${summary.operations_exercised}/${summary.operations_total}; documented statuses exercised: ${summary.statuses_exercised}/${summary.statuses_total}`,
  );
  if (report.never_exercised.length > 0) {
    lines.push('never exercised:');
    for (const gap of report.never_exercised) {
      lines.push(`  ${gap.api} ${gap.operationId} (${gap.method} ${gap.path}): ${gap.called ? gap.statuses.join(' ') : 'never called'}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
