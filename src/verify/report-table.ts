import { DIFFERENCE_KINDS } from './compare.js';
import type { VerifyReport } from './runner.js';

/** The stdout table: per operation, the cases that called it, how many differed, differences by kind. */
export function reportTable(report: VerifyReport): string {
  const rows = new Map<string, { cases: number; failed: number; kinds: Map<string, number> }>();
  for (const c of report.cases) {
    if (c.status === 'skipped') continue;
    for (const op of c.operations) {
      const row = rows.get(op) ?? { cases: 0, failed: 0, kinds: new Map() };
      row.cases++;
      if (c.differences.some((d) => d.operation === op && !d.accepted)) row.failed++;
      for (const d of c.differences.filter((x) => x.operation === op)) row.kinds.set(d.kind, (row.kinds.get(d.kind) ?? 0) + 1);
      rows.set(op, row);
    }
  }
  const header = ['operation', 'cases', 'differing', 'differences by kind'];
  const body = [...rows].map(([op, r]) => [op, String(r.cases), String(r.failed), DIFFERENCE_KINDS.filter((k) => r.kinds.has(k)).map((k) => `${k} ${r.kinds.get(k)}`).join(', ') || '-']);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] as string).length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] as number)).join('  ').trimEnd();
  const lines = [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)];
  const s = report.summary;
  lines.push('', `${s.ran} cases ran (${s.skipped} skipped): ${s.passed} passed, ${s.failed} failed, ${s.accepted} accepted by the baseline; ${s.differences} differences`);
  for (const c of report.cases) {
    for (const d of c.differences) {
      const where = d.header ?? d.pointer ?? '';
      const state = d.accepted ? ` (accepted: ${d.accepted.reason}, until ${d.accepted.expires})` : d.expired ? ` (baseline entry expired ${d.expired.expires})` : '';
      lines.push(`  ${d.class} drift  ${d.kind}  ${d.operation} ${d.case} [${d.step}] ${where}: ${d.message}${state}`);
    }
    for (const step of c.steps) if (step.curl) lines.push(`    reproduce: ${step.curl}`);
  }
  if (report.uncovered.length > 0) lines.push(`operations no case ran: ${report.uncovered.join(', ')}`);
  return `${lines.join('\n')}\n`;
}
