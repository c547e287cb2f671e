import { existsSync } from 'node:fs';
import { readFixtureFile } from '../core/fixtures.js';
import { packagePath } from '../core/paths.js';
import { escapeHtml, humanize } from './html.js';

type FixtureFile = Record<string, unknown>;

/**
 * The fixed records of `fixtures/<name>.json` as HTML tables, one per list in the file, every
 * column the records have: the page shows the very file the sandbox loads, so it cannot drift
 * from it. Scalar settings (`generated`: how many records faker adds) become one sentence.
 * Empty when the API has no fixture file.
 *
 * @example
 * fixtureTables('norcap'); // '<h4>Credentials</h4><table>…clientId…sandbox_api_key…'
 */
export function fixtureTables(name: string): string {
  if (!existsSync(packagePath('fixtures', `${name}.json`))) return '';
  const file = readFixtureFile<FixtureFile>(name);
  const parts: string[] = [];
  for (const [key, value] of Object.entries(file)) {
    if (Array.isArray(value)) parts.push(table(key, value.filter(isRecord)));
    else if (isRecord(value)) parts.push(`<p class="generated">${escapeHtml(humanize(key))} at every start (reproducible with <code>--seed</code>): ${describeSettings(value)}.</p>`);
  }
  return parts.join('\n');
}

function table(key: string, records: Record<string, unknown>[]): string {
  const columns = [...new Set(records.flatMap((record) => Object.keys(record)))];
  const head = columns.map((column) => `<th>${escapeHtml(column)}</th>`).join('');
  const rows = records.map((record) => `<tr>${columns.map((column) => `<td>${cell(record[column])}</td>`).join('')}</tr>`).join('\n');
  return `<h4>${escapeHtml(humanize(key))}</h4>\n<table data-fixture="${escapeHtml(key)}"><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '<span class="none">—</span>';
  if (Array.isArray(value)) return value.map((v) => cell(v)).join(', ');
  if (typeof value === 'object') return `<code>${escapeHtml(JSON.stringify(value))}</code>`;
  return `<code>${escapeHtml(String(value))}</code>`;
}

function describeSettings(settings: Record<string, unknown>): string {
  return Object.entries(settings)
    .map(([key, value]) => `${escapeHtml(humanize(key).toLowerCase())} ${escapeHtml(String(value))}`)
    .join(', ');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
