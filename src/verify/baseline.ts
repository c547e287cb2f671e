import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import type { Difference } from './types.js';

/** An accepted difference: matched by operation, kind and pointer or header (case optional). */
export interface BaselineEntry {
  operation: string;
  case?: string;
  kind: Difference['kind'];
  pointer?: string;
  header?: string;
  reason: string;
  /** `YYYY-MM-DD`: accepted through that day (UTC), failing again after it. */
  expires: string;
}

const validate = new Ajv({ allErrors: true }).compile<{ accepted: BaselineEntry[] }>({
  type: 'object',
  required: ['accepted'],
  additionalProperties: false,
  properties: {
    accepted: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['operation', 'kind', 'reason', 'expires'],
        properties: {
          operation: { type: 'string' },
          case: { type: 'string' },
          kind: { enum: ['status', 'content_type', 'header', 'missing_field', 'undocumented_field', 'type', 'value', 'schema'] },
          pointer: { type: 'string' },
          header: { type: 'string' },
          reason: { type: 'string', minLength: 1 },
          expires: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
        },
      },
    },
  },
});

export async function readBaseline(file: string): Promise<BaselineEntry[]> {
  let data: unknown;
  try {
    data = parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`baseline ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (!validate(data)) throw new Error(`baseline ${file}: ${(validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`).join('; ')}`);
  return data.accepted;
}

/** Marks each difference a baseline entry matches: accepted while it has not expired, `expired` after. */
export function applyBaseline(differences: Difference[], entries: BaselineEntry[], now: Date): void {
  const today = now.toISOString().slice(0, 10);
  for (const d of differences) {
    const entry = entries.find(
      (e) => e.operation === d.operation && e.kind === d.kind && (e.case === undefined || e.case === d.case) && (e.pointer ?? null) === (d.pointer ?? null) && (e.header?.toLowerCase() ?? null) === (d.header?.toLowerCase() ?? null),
    );
    if (!entry) continue;
    if (entry.expires >= today) d.accepted = { reason: entry.reason, expires: entry.expires };
    else d.expired = { reason: entry.reason, expires: entry.expires };
  }
}
