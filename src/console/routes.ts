import { readFileSync } from 'node:fs';
import express, { Router, type Request, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { ControlAccess } from '../control-plane/admin-access.js';
import { renderProblem } from '../control-plane/problem.js';
import { clockState } from '../control-plane/routes/state-routes.js';
import { fail } from '../core/errors.js';
import { packagePath } from '../core/paths.js';
import { renderFailures } from '../core/pipeline/render-failure.js';
import { JSON_MEDIA_TYPES } from '../core/validation.js';
import type { Workspace, WorkspaceRegistry } from '../workspaces/registry.js';
import type { FeedRegistry } from './feeds.js';
import { setFrozen } from './freeze.js';
import { FIRST_RUN_STEPS, type FirstRun } from './first-run.js';
import { assertSameOrigin } from './guard.js';
import { toHar } from './har.js';
import { CONSOLE_PAGE } from './page.js';
import { historyFrom, listRecords } from './records.js';
import { clearConsoleCookie, consoleCookie, requireViewer, setConsoleCookie, signInAs, type Viewer } from './session.js';
import { streamFeed, type OpenStreams, type StreamOptions } from './stream.js';

export interface ConsoleRouteDeps {
  registry: WorkspaceRegistry;
  access: ControlAccess;
  feeds: FeedRegistry;
  firstRun: FirstRun;
  streams: OpenStreams;
  stream?: StreamOptions;
}

/** The page's script and style, read once: plain files, no build step. */
const ASSETS: Record<string, { type: string; body: Buffer }> = Object.fromEntries(
  (
    [
      ['console.js', 'text/javascript; charset=utf-8'],
      ['console.css', 'text/css; charset=utf-8'],
      ['favicon.svg', 'image/svg+xml'],
    ] as const
  ).map(([name, type]) => [name, { type, body: readAsset(name) }]),
);

function readAsset(name: string): Buffer {
  // Beside this module (src/console/assets, or dist/console/assets once built).
  try {
    return readFileSync(new URL(`./assets/${name}`, import.meta.url));
  } catch {
    return readFileSync(packagePath('src', 'console', 'assets', name));
  }
}

/**
 * Every console response: a strict Content-Security-Policy (this origin's scripts, styles and
 * connections only; no inline script, no framing, no plugins, forms post here only), no
 * referrer, no sniffing, and no caching of what shows a workspace's traffic.
 */
const SECURITY_HEADERS = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      'default-src': ["'none'"],
      'script-src': ["'self'"],
      'style-src': ["'self'"],
      'img-src': ["'self'"],
      'connect-src': ["'self'"],
      'form-action': ["'self'"],
      'frame-ancestors': ["'none'"],
      'base-uri': ["'none'"],
      'object-src': ["'none'"],
    },
  },
  crossOriginResourcePolicy: { policy: 'same-origin' },
  referrerPolicy: { policy: 'no-referrer' },
  strictTransportSecurity: false,
});

/**
 * `/console` and everything under it: the page, its two files, sign-in and out, the live
 * stream, the records, the exports, a new workspace and the guided first run. Mounted before
 * the workspace door (the console finds its workspace from its own cookie), so none of it is
 * journaled. Its failures answer problem+json.
 */
export function consoleRoutes(deps: ConsoleRouteDeps): Router {
  const { registry, access, feeds, firstRun } = deps;
  const router = Router();
  const json = express.json({ limit: '10kb', type: JSON_MEDIA_TYPES });
  const viewer = (req: Request): Promise<Viewer> => requireViewer(req, registry, access);

  router.use('/console', SECURITY_HEADERS, function noStore(_req, res, next) {
    res.setHeader('Cache-Control', 'no-store');
    next();
  } satisfies RequestHandler);

  router.get('/console', function consolePage(req, res) {
    assertSameOrigin(access.hosts, req, { navigation: true });
    res.type('html').send(CONSOLE_PAGE);
  });
  router.get('/console/assets/:file', function consoleAsset(req, res, next) {
    assertSameOrigin(access.hosts, req, { navigation: false });
    const asset = ASSETS[String(req.params.file)];
    if (!asset) return next();
    res.type(asset.type).send(asset.body);
  } satisfies RequestHandler);

  router.use('/console', function sameOrigin(req, _res, next) {
    assertSameOrigin(access.hosts, req);
    next();
  } satisfies RequestHandler);

  router.get('/console/session', async function whoAmI(req, res) {
    const seen = await requireViewerOrNone(req);
    if (!seen) {
      res.status(200).json({ signed_in: false, workspace: null, via: null, first_run: false });
      return;
    }
    res.status(200).json({ signed_in: true, workspace: seen.workspace.id, via: seen.via, first_run: firstRun.available(seen.workspace) });
  });
  router.post('/console/session', json, async function signIn(req, res) {
    const key = (req.body as { key?: unknown } | undefined)?.key;
    if (typeof key !== 'string' || key.trim() === '') fail({ kind: 'validation', status: 400, field: 'key', message: 'key is required: the workspace key (wsk_…) or the admin token' });
    const signed = await signInAs(key.trim(), registry, access);
    if (!signed) fail({ kind: 'unauthenticated', status: 401, message: 'that is neither a workspace key of this sandbox nor its admin token' });
    setConsoleCookie(req, res, key.trim());
    res.status(200).json({ signed_in: true, workspace: signed.workspace.id, via: signed.via, first_run: firstRun.available(signed.workspace) });
  });
  router.delete('/console/session', function signOut(req, res) {
    clearConsoleCookie(req, res);
    res.status(204).end();
  });
  router.post('/console/workspaces', json, async function newWorkspace(req, res) {
    if (access.requiresToken(req.socket.localAddress) && !access.accepts(`Bearer ${consoleCookie(req) ?? ''}`)) {
      fail({ kind: 'unauthenticated', status: 401, message: 'creating a workspace from the console needs the admin token here (sign in with it first), or POST /_sandbox/workspaces where signup is open' });
    }
    const created = await registry.create();
    if (!created) fail({ kind: 'rule', status: 409, message: `this sandbox holds its maximum of ${registry.maxWorkspaces} workspaces` });
    const workspace = (await registry.open(created.record.id)) as Workspace;
    feeds.of(workspace);
    const { norcap, nova } = created.record.description;
    const org = nova.organizations[0];
    firstRun.remember(workspace, {
      norcap: { clientId: norcap.client_id, apiKey: created.secrets.norcapApiKey, brokerageAccount: norcap.brokerage_accounts[0] ?? '', account: norcap.linked_accounts[0] ?? '' },
      nova: { clientId: nova.client_id, clientSecret: created.secrets.novaClientSecret, organization: org?.id ?? '', vehicle: org?.vehicles[0] ?? '', entity: org?.entities[0] ?? '', contact: org?.contacts[0] ?? '' },
    });
    setConsoleCookie(req, res, created.secrets.key);
    res.status(201).json({ signed_in: true, workspace: workspace.id, via: 'key', first_run: true });
  });

  router.get('/console/stream', async function stream(req, res) {
    const seen = await viewer(req);
    if (!(req.get('Accept') ?? '').includes('text/event-stream')) fail({ kind: 'validation', status: 406, message: 'the console stream is text/event-stream: send Accept: text/event-stream (an EventSource does)' });
    await streamFeed(req, res, feeds.of(seen.workspace), seen.workspace.id, deps.streams, deps.stream);
  });
  router.get('/console/requests/:seq', async function requestDetail(req, res) {
    const seen = await viewer(req);
    const seq = Number(req.params.seq);
    const find = () => (Number.isSafeInteger(seq) ? feeds.of(seen.workspace).row(seq) : undefined);
    // --database: a row just written elsewhere may not be read here yet.
    const row = find() ?? (await seen.workspace.control.journal.sync(), find());
    if (!row) fail({ kind: 'not_found', status: 404, message: `no request ${String(req.params.seq)} in this workspace's console (dropped from the bounded feed, or cleared)` });
    res.status(200).json(row);
  });
  router.get('/console/records', async function records(req, res) {
    const seen = await viewer(req);
    await seen.workspace.control.journal.sync(); // --database: the moves made on every instance
    res.status(200).json(await listRecords(seen.workspace, historyFrom(feeds.of(seen.workspace).timeline())));
  });
  router.post('/console/clock', json, async function freeze(req, res) {
    const seen = await viewer(req);
    const frozen = (req.body as { frozen?: unknown } | undefined)?.frozen;
    if (typeof frozen !== 'boolean') fail({ kind: 'validation', status: 400, field: 'frozen', message: 'frozen must be true or false' });
    const clock = seen.workspace.ctx.clock;
    await setFrozen(seen.workspace, frozen);
    res.status(200).json(clockState(clock));
  });
  router.get('/console/export', async function exportJournal(req, res) {
    const seen = await viewer(req);
    const format = req.query.format === 'har' ? 'har' : req.query.format === undefined || req.query.format === 'json' ? 'json' : undefined;
    if (!format) fail({ kind: 'validation', status: 400, field: 'format', message: 'format must be json or har' });
    await seen.workspace.control.journal.sync(); // --database: every instance's rows, this one's last batch included
    const rows = feeds.of(seen.workspace).rows();
    const stamp = seen.workspace.ctx.clock.now().toISOString().replace(/[:.]/g, '-');
    res.setHeader('Content-Disposition', `attachment; filename="sandbox-${seen.workspace.id}-${stamp}.${format === 'har' ? 'har' : 'json'}"`);
    if (format === 'har') res.status(200).type('application/json').send(JSON.stringify(toHar(rows, `${req.protocol}://${req.get('Host') ?? ''}`, '1'), null, 2));
    else res.status(200).type('application/json').send(JSON.stringify({ workspace: seen.workspace.id, requests: rows }, null, 2));
  });
  router.post('/console/first-run/:step', async function firstRunStep(req, res) {
    const seen = await viewer(req);
    const step = String(req.params.step);
    if (!(FIRST_RUN_STEPS as readonly string[]).includes(step)) fail({ kind: 'not_found', status: 404, message: `no first-run step '${step}': the steps are ${FIRST_RUN_STEPS.join(', ')}` });
    res.status(200).json(await firstRun.run(req, seen.workspace, step, consoleCookie(req)));
  });

  router.use('/console', function noSuchConsolePath(req) {
    fail({ kind: 'not_found', status: 404, message: `No route for ${req.method} ${req.originalUrl.split('?')[0]}` });
  } satisfies RequestHandler);
  router.use(renderFailures(renderProblem));
  return router;

  async function requireViewerOrNone(req: Request): Promise<Viewer | undefined> {
    try {
      return await viewer(req);
    } catch {
      return undefined;
    }
  }
}
