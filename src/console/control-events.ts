import type { RequestHandler } from 'express';
import { currentScope } from '../workspaces/current.js';
import type { Workspace } from '../workspaces/registry.js';
import { captureOf, responseTextOf } from './capture.js';
import type { FeedRegistry } from './feeds.js';
import { movedBetween, statusSnapshot } from './records.js';

const LIFECYCLE_PATH = /^\/_sandbox\/(norcap|nova)\/distributions\/([^/]+)\/status$/;
const FAULT_PATH = /^\/_sandbox\/faults\/([^/]+)$/;

/**
 * After the workspace door: makes sure the request's workspace has its console feed (before
 * its journal records anything), and turns every successful control call into a timeline event
 * of that workspace: a clock move (with the distributions it moved), a fault armed or
 * disarmed, a lifecycle move, a reset. Only control calls pay for anything beyond a map lookup:
 * a clock advance reads the statuses before and after, a lifecycle move the one it moves.
 */
export function controlEvents(feeds: FeedRegistry): RequestHandler {
  return async function consoleTimeline(req, res, next) {
    const scope = currentScope();
    if (!scope) return next();
    const workspace = scope.workspace;
    feeds.of(workspace);
    if (!scope.controls || req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
    const path = req.path;
    const lifecycle = LIFECYCLE_PATH.exec(path);
    // Read before the control runs (awaited: the advance must not overtake the read).
    const before = path === '/_sandbox/clock/advance' ? await statusSnapshot(workspace).catch(() => undefined) : undefined;
    const from = lifecycle ? await statusOf(workspace, lifecycle[1] as string, safeDecode(lifecycle[2] as string)) : null;
    res.once('finish', () => {
      if (res.statusCode < 200 || res.statusCode >= 300) return;
      // The request's scope decides whose controls ran; the workspace routes (create, delete) are not events.
      if (path === '/_sandbox/workspaces' || path === '/_sandbox/workspace') return;
      void record(feeds, workspace, req.method, path, (req as { body?: unknown }).body, responseJson(res.locals.request), before, from).catch(() => undefined);
    });
    next();
  } satisfies RequestHandler;
}

async function record(
  feeds: FeedRegistry,
  workspace: Workspace,
  method: string,
  path: string,
  body: unknown,
  answer: Record<string, unknown> | undefined,
  before: Awaited<ReturnType<typeof statusSnapshot>> | undefined,
  from: string | null,
): Promise<void> {
  const feed = feeds.of(workspace);
  const time = workspace.ctx.clock.now().toISOString();
  const fields = (body ?? {}) as Record<string, unknown>;
  if (path === '/_sandbox/clock/advance') {
    const then = before;
    const moved = then ? movedBetween(then, await statusSnapshot(workspace)) : [];
    feed.add({ kind: 'clock', time, seconds: Number(fields.seconds ?? 0), now: time, moved });
  } else if (path === '/_sandbox/reset') {
    feed.add({ kind: 'reset', time });
  } else if (path === '/_sandbox/faults' && method === 'POST' && answer) {
    feed.add({
      kind: 'fault_armed',
      time,
      fault: { id: String(answer.id), method: String(answer.method), path: String(answer.path), status: (answer.status as number | null) ?? null, latency_ms: Number(answer.latency_ms ?? 0), count: Number(answer.count ?? 1) },
    });
  } else if (path === '/_sandbox/faults' && method === 'DELETE') {
    feed.add({ kind: 'fault_disarmed', time, id: null });
  } else if (FAULT_PATH.test(path) && method === 'DELETE') {
    feed.add({ kind: 'fault_disarmed', time, id: safeDecode((FAULT_PATH.exec(path) as RegExpExecArray)[1] as string) });
  } else {
    const lifecycle = LIFECYCLE_PATH.exec(path);
    if (lifecycle && method === 'POST') {
      feed.add({ kind: 'lifecycle', time, api: lifecycle[1] as string, id: safeDecode(lifecycle[2] as string), from, to: String(fields.status ?? '') });
    }
  }
}

async function statusOf(workspace: Workspace, api: string, id: string): Promise<string | null> {
  try {
    if (api === 'norcap') return (await workspace.ctx.store.get('norcapDistributions', id))?.distribution.status ?? null;
    return (await workspace.ctx.store.get('novaDistributions', id))?.object.status ?? null;
  } catch {
    return null;
  }
}

function responseJson(state: unknown): Record<string, unknown> | undefined {
  const capture = captureOf(state);
  if (!capture) return undefined;
  try {
    return JSON.parse(responseTextOf(capture)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
