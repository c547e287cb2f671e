import { TRANSITIONS as NORCAP_TRANSITIONS } from '../apis/norcap/lifecycle.js';
import { DISTRIBUTION_STATUSES as NORCAP_STATUSES } from '../apis/norcap/types.js';
import { MOVES as NOVA_TRANSITIONS } from '../apis/nova/lifecycle.js';
import { DISTRIBUTION_STATUSES as NOVA_STATUSES } from '../apis/nova/types.js';
import type { Workspace } from '../workspaces/registry.js';
import type { Moved } from './feed.js';

/** One status a record could be moved to, and whether the lifecycle allows it from where it is. */
export interface MoveOption {
  status: string;
  allowed: boolean;
  /** Why not, for a move the lifecycle does not allow. */
  reason?: string;
}

/** A distribution as the console's records panel shows it. */
export interface RecordView {
  api: 'norcap' | 'nova';
  id: string;
  status: string;
  amount: string;
  created: string;
  updated: string;
  moves: MoveOption[];
  /** The moves the console saw, oldest first: lifecycle calls and clock advances (auto-advance). */
  history: { time: string; from: string | null; to: string; by: 'lifecycle' | 'clock' }[];
}

export type History = Map<string, RecordView['history']>;

/** Every record's moves, from a feed's timeline events (its `lifecycle` and `clock` events). */
export function historyFrom(events: readonly { kind: string; [field: string]: unknown }[]): History {
  const out: History = new Map();
  const add = (id: string, entry: RecordView['history'][number]) => {
    let list = out.get(id);
    if (!list) out.set(id, (list = []));
    list.push(entry);
  };
  for (const event of events) {
    if (event.kind === 'lifecycle') add(String(event.id), { time: String(event.time), from: (event.from as string | null) ?? null, to: String(event.to), by: 'lifecycle' });
    if (event.kind === 'clock') for (const m of event.moved as Moved[]) add(m.id, { time: String(event.time), from: m.from, to: m.to, by: 'clock' });
  }
  return out;
}

/** The most records listed, newest first: a panel, not an export. */
export const MAX_RECORDS = 200;

const LIFECYCLES = {
  norcap: { statuses: NORCAP_STATUSES as readonly string[], transitions: NORCAP_TRANSITIONS as Readonly<Record<string, readonly string[]>> },
  nova: { statuses: NOVA_STATUSES as readonly string[], transitions: NOVA_TRANSITIONS as Readonly<Record<string, readonly string[]>> },
};

/** Every status but the current one, each allowed or not (with the reason) by the API's lifecycle. */
export function moveOptions(api: 'norcap' | 'nova', from: string): MoveOption[] {
  const { statuses, transitions } = LIFECYCLES[api];
  const allowed = transitions[from] ?? [];
  return statuses
    .filter((status) => status !== from)
    .map((status) =>
      allowed.includes(status)
        ? { status, allowed: true }
        : { status, allowed: false, reason: allowed.length === 0 ? `'${from}' is final` : `from '${from}' it can go to: ${allowed.join(', ')}` },
    );
}

/** The workspace's distributions of both APIs, newest first, with the moves each allows. */
export async function listRecords(workspace: Workspace, history: History = new Map()): Promise<{ records: RecordView[]; total: number }> {
  const { store } = workspace.ctx;
  const records: RecordView[] = [];
  for (const { distribution: d } of await store.scan('norcapDistributions')) {
    records.push({ api: 'norcap', id: d.id, status: d.status, amount: `${(d.amountCents / 100).toFixed(2)} (cents ${d.amountCents})`, created: d.createdAt, updated: d.updatedAt, moves: moveOptions('norcap', d.status), history: history.get(d.id) ?? [] });
  }
  for (const { object: d } of await store.scan('novaDistributions')) {
    const amount = (d as unknown as { payments?: { data?: { amount?: unknown }[] } }).payments?.data?.map((p) => String(p.amount ?? '')).join(' + ') ?? '';
    records.push({ api: 'nova', id: d.id, status: d.status, amount, created: d.created_at, updated: d.updated_at, moves: moveOptions('nova', d.status), history: history.get(d.id) ?? [] });
  }
  records.sort((a, b) => sortable(b.updated).localeCompare(sortable(a.updated)) || a.id.localeCompare(b.id));
  return { records: records.slice(0, MAX_RECORDS), total: records.length };
}

/** NorCap writes `YYYY-MM-DD HH:MM:SS`, Nova ISO 8601: one order for both. */
function sortable(time: string): string {
  return time.replace(' ', 'T').replace(/Z$/, '');
}

/** Every distribution's status now: what an advance is compared with. */
export async function statusSnapshot(workspace: Workspace): Promise<Map<string, { api: string; status: string }>> {
  const { store } = workspace.ctx;
  const out = new Map<string, { api: string; status: string }>();
  for (const { distribution: d } of await store.scan('norcapDistributions')) out.set(d.id, { api: 'norcap', status: d.status });
  for (const { object: d } of await store.scan('novaDistributions')) out.set(d.id, { api: 'nova', status: d.status });
  return out;
}

/** The distributions whose status differs between two snapshots. */
export function movedBetween(before: Map<string, { api: string; status: string }>, after: Map<string, { api: string; status: string }>): Moved[] {
  const moved: Moved[] = [];
  for (const [id, now] of after) {
    const then = before.get(id);
    if (then && then.status !== now.status) moved.push({ api: now.api, id, from: then.status, to: now.status });
  }
  return moved;
}
