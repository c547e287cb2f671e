import { randomBytes } from 'node:crypto';
import { createSandbox, type Sandbox } from '../sandbox.js';
import { AuthRefusedError, Authenticator } from './auth.js';
import { applyBaseline, readBaseline, type BaselineEntry } from './baseline.js';
import { buildCases } from './cases.js';
import { compareAnswers, conformance } from './compare.js';
import { curlFor } from './curl.js';
import { Transport, UnreachableError, type Sleep } from './http.js';
import { missingRoles, readProfile, sandboxFixtures, targetFixtures, type Profile } from './profile.js';
import { Redactor } from './redact.js';
import { resolvedSpec } from './spec-schemas.js';
import type { Case, Difference, HttpAnswer, HttpRequest, Role, Roles, SideView, VerifyApi } from './types.js';

export interface VerifyOptions {
  api: VerifyApi;
  /** Base URL of the API checked: the provider's sandbox, or another instance of this server. */
  target: string;
  /** Base URL of the mock; default: a fresh in-process sandbox (`seed`). */
  mock?: string;
  seed?: number;
  /** A profile file (YAML or JSON) or its contents. */
  profile?: string | Profile;
  /** Send the cases that create (POST other than the token request). */
  allowWrites?: boolean;
  /** Send the cases with deliberately wrong credentials (they can lock an account). */
  includeAuthFailures?: boolean;
  /** Only cases calling one of these operationIds. */
  only?: string[];
  /** A baseline file of accepted differences, or its entries. */
  baseline?: string | BaselineEntry[];
  /** Print the plan, send nothing. */
  dryRun?: boolean;
  /** Tags what this run creates (memo / external_reference, Idempotency-Key); default random. */
  runTag?: string;
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
  /** How waits (rate limit, `Retry-After`) are waited out; a real timer unless a test passes one. */
  sleep?: Sleep;
  /** Milliseconds of a monotonic clock for the rate limit (default `Date.now`); tests pass one `sleep` moves. */
  clock?: () => number;
  /** Today, for the baseline's expiry dates. */
  now?: () => Date;
}

export interface StepResult {
  step: string;
  operation: string;
  skipped?: string;
  target?: { status: number; contentType: string; problems: string[] };
  mock?: { status: number; contentType: string; problems: string[] };
  curl?: string;
}

export interface CaseResult {
  id: string;
  title: string;
  source: Case['source'];
  operations: string[];
  /** `fail`: a difference neither accepted nor expired-and-accepted; `accepted`: only accepted ones. */
  status: 'pass' | 'fail' | 'accepted' | 'skipped';
  skipped?: string;
  verdict: { targetConforms: boolean; mockConforms: boolean; differs: boolean };
  differences: Difference[];
  steps: StepResult[];
}

export interface VerifyReport {
  api: VerifyApi;
  target: string;
  mock: string;
  runTag: string;
  allowWrites: boolean;
  startedAt: string;
  /** 0 nothing differs, 1 something does, 2 it could not run. */
  exitCode: 0 | 1 | 2;
  /** Why it could not run (exit 2). */
  reason?: string;
  dryRun: boolean;
  cases: CaseResult[];
  /** The spec's operations no case that ran called. */
  uncovered: string[];
  summary: { cases: number; ran: number; passed: number; failed: number; accepted: number; skipped: number; differences: number };
}

/** Why the run cannot go on: exit 2 with this reason. */
class CannotRun extends Error {}

/**
 * Replays the API's contract cases against `target` and a mock and reports where they differ.
 * Never throws for a run that could not happen: the report says why, with exit code 2.
 */
export async function verify(options: VerifyOptions): Promise<VerifyReport> {
  const redactor = new Redactor();
  const now = options.now ?? (() => new Date());
  const runTag = options.runTag ?? `verify-${randomBytes(4).toString('hex')}`;
  const report: VerifyReport = {
    api: options.api,
    target: options.target,
    mock: options.mock ?? 'in-process sandbox',
    runTag,
    allowWrites: options.allowWrites ?? false,
    startedAt: now().toISOString(),
    exitCode: 0,
    dryRun: options.dryRun ?? false,
    cases: [],
    uncovered: [],
    summary: { cases: 0, ran: 0, passed: 0, failed: 0, accepted: 0, skipped: 0, differences: 0 },
  };
  let sandbox: Sandbox | undefined;
  try {
    const profile = typeof options.profile === 'string' ? await readProfile(options.profile) : options.profile;
    const baseline = typeof options.baseline === 'string' ? await readBaseline(options.baseline) : (options.baseline ?? []);
    const env = options.env ?? process.env;
    const selected = select(buildCases(options.api), options);
    const target = targetFixtures(options.api, profile, env);
    const runnable = selected.filter((c) => !skipReason(c, options));
    const missing = missingRoles(runnable.flatMap((c) => c.roles), target.roles);
    if (missing.length > 0) throw new CannotRun(`the profile names no ${missing.join(', ')}: needed by ${runnable.filter((c) => c.roles.some((r) => missing.includes(r))).map((c) => c.id).join(', ')}`);
    if (!target.credentials) throw new CannotRun(`no credentials for the target: put them in the profile (credentials) or the environment (${options.api === 'norcap' ? 'NORCAP_CLIENT_ID, NORCAP_API_KEY' : 'NOVA_CLIENT_ID, NOVA_CLIENT_SECRET'})`);
    redactor.add(target.credentials.secret);
    if (runnable.length === 0) throw new CannotRun('no case to run: every selected case needs --allow-writes or --include-auth-failures');

    if (options.dryRun) {
      report.cases = selected.map((c) => caseShell(c, skipReason(c, options) ?? 'dry run: nothing sent'));
      for (const c of report.cases) c.steps = (selected.find((s) => s.id === c.id) as Case).steps.map((s) => ({ step: s.name, operation: s.operationId, skipped: 'dry run' }));
      summarise(report);
      return redactor.value(report);
    }

    const mockFixtures = sandboxFixtures(options.api);
    let mockUrl = options.mock;
    if (!mockUrl) {
      sandbox = await createSandbox({ seed: options.seed });
      mockUrl = await sandbox.start(0);
    }
    const transportOptions = { fetch: options.fetch, sleep: options.sleep, now: options.clock };
    const targetHttp = new Transport(options.target, { ...transportOptions, requestsPerSecond: profile?.rateLimit?.requestsPerSecond });
    const mockHttp = new Transport(mockUrl, transportOptions);
    const sides = {
      target: new Authenticator(options.api, { ...target.credentials, tokenUrl: profile?.auth?.tokenUrl ?? env.NOVA_TOKEN_URL, method: profile?.auth?.method }, targetHttp, redactor),
      mock: new Authenticator(options.api, { ...mockFixtures.credentials }, mockHttp, redactor),
    };
    await preflight(options.api, sides.target, 'target');
    await preflight(options.api, sides.mock, 'mock');

    for (const c of selected) {
      const reason = skipReason(c, options);
      if (reason) {
        report.cases.push(caseShell(c, reason));
        continue;
      }
      report.cases.push(await runCase(c, options.api, sides, { target: target.roles, mock: mockFixtures.roles }, runTag, profile?.ignore ?? [], redactor, targetHttp));
    }
    applyBaseline(report.cases.flatMap((c) => c.differences), baseline, now());
    const ranOps = new Set(report.cases.filter((c) => c.status !== 'skipped').flatMap((c) => c.steps.filter((s) => !s.skipped).map((s) => s.operation)));
    report.uncovered = resolvedSpec(options.api).operations.map((o) => o.operationId).filter((o) => !ranOps.has(o));
    summarise(report);
    if (report.summary.ran === 0) throw new CannotRun('no case ran');
    report.exitCode = report.summary.failed > 0 ? 1 : 0;
  } catch (error) {
    if (!(error instanceof CannotRun || error instanceof AuthRefusedError || error instanceof UnreachableError || (error instanceof Error && /^(profile|baseline) /.test(error.message)))) throw error;
    report.exitCode = 2;
    report.reason = error.message;
    summarise(report);
  } finally {
    await sandbox?.stop();
  }
  return redactor.value(report);
}

function select(cases: Case[], options: VerifyOptions): Case[] {
  if (!options.only || options.only.length === 0) return cases;
  const known = new Set(resolvedSpec(options.api).operations.map((o) => o.operationId));
  const unknown = options.only.filter((o) => !known.has(o));
  if (unknown.length > 0) throw new CannotRun(`--only names no operation of openapi/${options.api}.yaml: ${unknown.join(', ')} (operations: ${[...known].join(', ')})`);
  const picked = cases.filter((c) => c.operations.some((o) => options.only?.includes(o)));
  if (picked.length === 0) throw new CannotRun(`--only ${options.only.join(',')} selects no case`);
  return picked;
}

function skipReason(c: Case, options: VerifyOptions): string | undefined {
  if (c.writes && !options.allowWrites) return 'creates: needs --allow-writes';
  if (c.authFailure && !options.includeAuthFailures) return 'sends wrong credentials: needs --include-auth-failures';
  return undefined;
}

function caseShell(c: Case, skipped: string): CaseResult {
  return { id: c.id, title: c.title, source: c.source, operations: c.operations, status: 'skipped', skipped, verdict: { targetConforms: true, mockConforms: true, differs: false }, differences: [], steps: [] };
}

/** A token (Nova) or one authenticated read (NorCap) on each side first: a refusal is exit 2. */
async function preflight(api: VerifyApi, auth: Authenticator, side: string): Promise<void> {
  if (api === 'nova') {
    await auth.headers('credentials');
    return;
  }
  const answer = await auth.send({ method: 'GET', path: resolvedSpec('norcap').operation('listDistributions').path, query: [['limit', '1']], auth: 'credentials' });
  if (answer.status === 401 || answer.status === 403) throw new AuthRefusedError(`authentication refused by the ${side} (${answer.status}): check the credentials`);
}

function view(side: 'target' | 'mock', roles: Roles, runTag: string): SideView {
  const captured = new Map<string, unknown>();
  return {
    side,
    runTag,
    role(role: Role) {
      const value = roles[role];
      if (!value) throw new CannotRun(`the profile names no ${role}`);
      return value;
    },
    get: (key) => captured.get(key),
    set: (key, value) => void captured.set(key, value),
  };
}

async function runCase(c: Case, api: VerifyApi, sides: { target: Authenticator; mock: Authenticator }, roles: { target: Roles; mock: Roles }, runTag: string, ignore: string[], redactor: Redactor, targetHttp: Transport): Promise<CaseResult> {
  const result = caseShell(c, '');
  delete result.skipped;
  const views = { target: view('target', roles.target, runTag), mock: view('mock', roles.mock, runTag) };
  const spec = resolvedSpec(api);
  const priorRun = api === 'norcap' && c.writes ? await createdEarlier(sides.target, views.target, c) : undefined;
  if (priorRun) return { ...caseShell(c, priorRun), status: 'skipped' };
  let targetConforms = true;
  let mockConforms = true;
  for (const step of c.steps) {
    const op = spec.operation(step.operationId);
    const requests = { target: step.build(views.target), mock: step.build(views.mock) };
    if (!requests.target || !requests.mock) {
      result.steps.push({ step: step.name, operation: step.operationId, skipped: `nothing to read back on the ${!requests.target ? 'target' : 'mock'}` });
      continue;
    }
    const t = await send(sides.target, requests.target, step.operationId);
    const m = await send(sides.mock, requests.mock, step.operationId);
    if (step.operationId === 'issueToken') {
      redactor.add((t.answer.body as { access_token?: string } | undefined)?.access_token);
      redactor.add((m.answer.body as { access_token?: string } | undefined)?.access_token);
    }
    const replayed = step.replayHeader !== undefined && t.answer.headers[step.replayHeader] === 'true' && m.answer.headers[step.replayHeader] !== 'true';
    const found = compareAnswers({
      operation: op,
      target: { answer: t.answer, requestBody: t.request.json, roles: roles.target },
      mock: { answer: m.answer, requestBody: m.request.json, roles: roles.mock },
      ignore,
      ignoreHeaders: replayed && step.replayHeader ? [step.replayHeader] : [],
    });
    const tExpect = step.expect?.(t.answer, views.target);
    const mExpect = step.expect?.(m.answer, views.mock);
    if (Boolean(tExpect) !== Boolean(mExpect)) found.push({ kind: 'value', pointer: '', class: tExpect ? 'spec' : 'mock', target: tExpect ?? 'as expected', mock: mExpect ?? 'as expected', message: (tExpect ?? mExpect) as string });
    step.capture?.(t.answer, views.target);
    step.capture?.(m.answer, views.mock);
    const tProblems = conformance(op, t.answer);
    const mProblems = conformance(op, m.answer);
    targetConforms &&= tProblems.length === 0 && !tExpect;
    mockConforms &&= mProblems.length === 0 && !mExpect;
    const stepResult: StepResult = {
      step: step.name,
      operation: step.operationId,
      target: { status: t.answer.status, contentType: t.answer.headers['content-type'] ?? '', problems: tProblems },
      mock: { status: m.answer.status, contentType: m.answer.headers['content-type'] ?? '', problems: mProblems },
    };
    if (found.length > 0) stepResult.curl = curlFor(targetHttp.url(t.request), t.request, t.headers);
    result.steps.push(stepResult);
    result.differences.push(...found.map((d) => ({ operation: step.operationId, case: c.id, step: step.name, ...d })));
  }
  result.verdict = { targetConforms, mockConforms, differs: result.differences.length > 0 };
  result.status = result.differences.length === 0 ? 'pass' : 'fail';
  return result;
}

/** One step on one side; the token endpoint's requests are built by the side's authenticator. */
async function send(auth: Authenticator, request: HttpRequest, operationId: string): Promise<{ request: HttpRequest; answer: HttpAnswer; headers: Record<string, string> }> {
  if (operationId === 'issueToken' && request.auth !== 'none') {
    // A request that carries client_id (the spec's example) authenticates in the form, with the side's client.
    const base = auth.tokenRequest(request.auth, request.form?.client_id !== undefined ? 'form' : undefined);
    const full: HttpRequest = { ...base, form: { ...request.form, ...base.form } };
    return { request: full, answer: await auth.send(full), headers: {} };
  }
  const headers = await auth.headers(request.auth);
  return { request, answer: await auth.send(request), headers };
}

/**
 * NorCap takes no Idempotency-Key: a create is looked for first by its run tag (the memo
 * `<run tag> <case>`) among the brokerage account's distributions, and not sent twice.
 */
async function createdEarlier(auth: Authenticator, side: SideView, c: Case): Promise<string | undefined> {
  const answer = await auth.send({ method: 'GET', path: resolvedSpec('norcap').operation('listDistributions').path, query: [['filter[brokerageAccountId]', side.role('brokerageAccount')], ['limit', '500'], ['sort', 'createdAt:desc']], auth: 'credentials' });
  const list = (answer.body as { custody_distributions?: { id: string; transactionMemo?: string | null }[] } | undefined)?.custody_distributions ?? [];
  const earlier = list.find((d) => d.transactionMemo === `${side.runTag} ${c.id}`);
  return earlier ? `created by an earlier run with run tag ${side.runTag} (${earlier.id}): not created twice` : undefined;
}

function summarise(report: VerifyReport): void {
  for (const c of report.cases) {
    if (c.status === 'skipped') continue;
    const failing = c.differences.filter((d) => !d.accepted);
    c.status = c.differences.length === 0 ? 'pass' : failing.length === 0 ? 'accepted' : 'fail';
  }
  const count = (s: CaseResult['status']) => report.cases.filter((c) => c.status === s).length;
  report.summary = {
    cases: report.cases.length,
    ran: report.cases.length - count('skipped'),
    passed: count('pass'),
    failed: count('fail'),
    accepted: count('accepted'),
    skipped: count('skipped'),
    differences: report.cases.reduce((n, c) => n + c.differences.length, 0),
  };
}
