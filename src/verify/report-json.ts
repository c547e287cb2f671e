import { writeFile } from 'node:fs/promises';
import type { VerifyReport } from './runner.js';

/** The JSON report: every case, step and difference (already redacted by the runner). */
export async function reportJson(report: VerifyReport, file: string): Promise<void> {
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
}
