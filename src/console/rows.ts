import type { JournalEntry } from '../control-plane/journal.js';
import type { RequestState } from '../core/pipeline/request-state.js';
import { responseTextOf, type RawCapture } from './capture.js';
import { maskHeaders, maskQuery, maskValue, SecretSet } from './mask.js';

/** One contract violation, as the detail view lists it. */
export interface Violation {
  /** `request` or `response` (`--strict`). */
  in: 'request' | 'response';
  /** Where, as a JSON pointer into the body (`/newDistributions/0/amountCents`), or `''` for the request as a whole. */
  pointer: string;
  /** What the spec expects there. */
  expected: string;
  /** What was sent there (JSON), when the body holds it. */
  actual: string | null;
  /** The spec operation: `createDistributions (POST /v3/custody/distributions)`. */
  operation: string | null;
  message: string;
}

export interface ShownBody {
  /** Parsed JSON or form fields, masked; or text. */
  value: unknown;
  /** `json`, `text`, `none`. */
  kind: 'json' | 'text' | 'none';
  truncated?: boolean;
  note?: string;
}

/** A request as the console shows it: the journal entry plus its masked exchange. */
export interface RequestRow extends Omit<JournalEntry, 'path'> {
  kind: 'request';
  path: string;
  query: string;
  replayed: boolean;
  idempotency_key: string | null;
  violations: Violation[];
  request: { headers: Record<string, string>; body: ShownBody };
  response: { headers: Record<string, string>; body: ShownBody };
}

/** A row without its exchange: what the console's table, filters and timeline show. */
export type RowHead = Omit<RequestRow, 'request' | 'response'>;

/**
 * A journal entry's row in two parts, each built once, on first read: `head()` (what a stream
 * sends of it) and `row()` (the exchange too: the detail view, the exports). Every secret the
 * exchange carries is learnt first, then masked everywhere, so the head is masked as the whole
 * row is; only the masked copies of the headers and bodies wait for `row()`, which a console
 * never asks for unless a row is opened.
 *
 * @example
 * const parts = rowParts(entry, state, capture);
 * send(JSON.stringify(parts.head())); // the table's line
 * parts.row().response.body; // when the row is opened
 */
export function rowParts(entry: JournalEntry, state: RequestState | undefined, capture: RawCapture | undefined): { head(): RowHead; row(): RequestRow } {
  let learnt: Learnt | undefined;
  let head: RowHead | undefined;
  let row: RequestRow | undefined;
  const learntOf = (): Learnt => (learnt ??= learn(capture));
  const headOf = (): RowHead => (head ??= rowHead(entry, state, capture, learntOf()));
  return {
    head: headOf,
    row: () => (row ??= { ...headOf(), ...exchangeOf(entry, capture, learntOf()) }),
  };
}

/**
 * Builds the row of a journal entry, off the request path (the feed builds rows after the
 * response is out). Every secret the exchange carries is learnt first, then masked everywhere.
 */
export function buildRow(entry: JournalEntry, state: RequestState | undefined, capture: RawCapture | undefined): RequestRow {
  return rowParts(entry, state, capture).row();
}

/** What an exchange tells of its secrets, and the bodies as read to learn them. */
interface Learnt {
  secrets: SecretSet;
  requestHeaders: RawCapture['requestHeaders'];
  requestBody: unknown;
  responseText: string;
  /** The response parsed when it is JSON (and whole), else undefined. */
  responseJson: unknown;
}

function learn(capture: RawCapture | undefined): Learnt {
  const secrets = new SecretSet();
  const requestHeaders = capture?.requestHeaders ?? {};
  for (const name of ['authorization', 'proxy-authorization', 'x-api-key']) {
    const value = requestHeaders[name];
    if (typeof value === 'string') secrets.addAuthorization(value);
  }
  const requestBody = capture?.requestBody;
  secrets.addFields(requestBody);
  const responseText = capture ? responseTextOf(capture) : '';
  const responseType = String(capture?.responseHeaders['content-type'] ?? '');
  let responseJson: unknown;
  if (/json/i.test(responseType) && !capture?.truncated) {
    try {
      responseJson = JSON.parse(responseText);
      secrets.addFields(responseJson);
    } catch {
      responseJson = undefined;
    }
  }
  return { secrets, requestHeaders, requestBody, responseText, responseJson };
}

function rowHead(entry: JournalEntry, state: RequestState | undefined, capture: RawCapture | undefined, { secrets, requestHeaders, requestBody }: Learnt): RowHead {
  const idempotencyKey = requestHeaders['idempotency-key'];
  // Field by field, in the entry's order, not `{ ...entry, path: … }`: a spread whose later keys
  // replace some of the copied ones took V8's slow path, and made the head 2.5 times dearer.
  return {
    seq: entry.seq,
    time: entry.time,
    api: entry.api,
    operation: entry.operation,
    method: entry.method,
    path: secrets.scrub(entry.path),
    status: entry.status,
    duration_ms: entry.duration_ms,
    matched_contract: entry.matched_contract,
    problems: entry.problems.map((problem) => secrets.scrub(problem)),
    failure: entry.failure && { ...entry.failure, message: secrets.scrub(entry.failure.message) },
    fault: entry.fault,
    kind: 'request',
    query: maskQuery(capture?.query ?? '', secrets),
    replayed: String(capture?.responseHeaders['idempotent-replayed'] ?? '') === 'true',
    idempotency_key: typeof idempotencyKey === 'string' ? secrets.scrub(idempotencyKey) : null,
    violations: violationsOf(entry, state, requestBody, secrets),
  };
}

function exchangeOf(entry: JournalEntry, capture: RawCapture | undefined, { secrets, requestHeaders, requestBody, responseText, responseJson }: Learnt): Pick<RequestRow, 'request' | 'response'> {
  const requestShown: ShownBody =
    requestBody === undefined || (typeof requestBody === 'object' && requestBody !== null && !Buffer.isBuffer(requestBody) && Object.keys(requestBody).length === 0 && !Array.isArray(requestBody))
      ? { kind: 'none', value: null, ...(requestBody === undefined && entry.method !== 'GET' && entry.method !== 'HEAD' ? { note: 'not read: the request was answered before its body was parsed' } : {}) }
      : Buffer.isBuffer(requestBody) || typeof requestBody === 'string'
        ? { kind: 'text', value: secrets.scrub(String(requestBody)) }
        : { kind: 'json', value: maskValue(requestBody, secrets) };
  const responseShown: ShownBody = !capture
    ? { kind: 'none', value: null, note: 'not captured' }
    : responseText === ''
      ? { kind: 'none', value: null }
      : responseJson !== undefined
        ? { kind: 'json', value: maskValue(responseJson, secrets) }
        : { kind: 'text', value: secrets.scrub(responseText), ...(capture.truncated && { truncated: true }) };
  return {
    request: { headers: maskHeaders(requestHeaders, secrets), body: requestShown },
    response: { headers: maskHeaders(capture?.responseHeaders ?? {}, secrets), body: responseShown },
  };
}

/** `newDistributions[1].accountId` → `/newDistributions/1/accountId` (RFC 6901). */
export function toPointer(field: string): string {
  const parts = field.match(/[^.[\]]+/g) ?? [];
  return parts.map((part) => `/${part.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

function valueAt(body: unknown, pointer: string): unknown {
  let node = body;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function violationsOf(entry: JournalEntry, state: RequestState | undefined, body: unknown, secrets: SecretSet): Violation[] {
  const op = state?.operation;
  const operation = op ? `${op.operationId} (${op.method} ${op.path})` : null;
  const out: Violation[] = [];
  if (!entry.api) {
    out.push({ in: 'request', pointer: '', expected: 'a path one of the mocked APIs serves', actual: JSON.stringify(`${entry.method} ${secrets.scrub(entry.path)}`), operation: null, message: secrets.scrub(entry.problems[0] ?? 'no API serves this path') });
  } else if (!entry.operation) {
    out.push({ in: 'request', pointer: '', expected: `a documented operation of openapi/${entry.api}.yaml`, actual: JSON.stringify(`${entry.method} ${secrets.scrub(entry.path)}`), operation: null, message: secrets.scrub(entry.problems[0] ?? '') });
  } else if (!entry.matched_contract && entry.failure) {
    const { field, message } = entry.failure;
    const inBody = field !== undefined && !/^(query parameter|path parameter|header) /.test(message);
    const pointer = inBody && field !== undefined ? toPointer(field) : '';
    const expected = field !== undefined && message.includes(field) ? message.slice(message.indexOf(field) + field.length).trim() : message;
    const actual = inBody ? valueAt(body, pointer) : undefined;
    out.push({
      in: 'request',
      pointer,
      expected: secrets.scrub(expected || message),
      actual: actual === undefined ? null : JSON.stringify(maskValue(actual, secrets)),
      operation,
      message: secrets.scrub(message),
    });
  }
  for (const problem of state?.contractViolation ?? []) {
    out.push({ in: 'response', pointer: '', expected: 'a response the spec documents', actual: null, operation, message: secrets.scrub(problem) });
  }
  return out;
}
