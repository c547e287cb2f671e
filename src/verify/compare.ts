import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { documentedResponse, pointerJoin, valueAt, type OperationSpec, type ResponseSpec, type Schema } from './spec-schemas.js';
import type { Difference, DifferenceKind, DriftClass, HttpAnswer, Roles } from './types.js';

const addFormats = addFormatsModule.default;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const compiled = new WeakMap<object, ValidateFunction>();

export interface SideAnswer {
  answer: HttpAnswer;
  /** The request body the side sent (for what a create echoes back). */
  requestBody: unknown;
  roles: Roles;
}

export interface CompareInput {
  operation: OperationSpec;
  target: SideAnswer;
  mock: SideAnswer;
  /** Field names or JSON pointers (`*` matches one segment) never compared. */
  ignore?: string[];
  /** Headers not compared on this step (a replay of an earlier run's create). */
  ignoreHeaders?: string[];
}

type Found = Omit<Difference, 'operation' | 'case' | 'step'>;

/** Where an answer breaks its documented schema, as JSON pointers. */
export function violations(schema: Schema | undefined, body: unknown): { pointer: string; message: string }[] {
  if (!schema) return [];
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(body)) return [];
  return (validate.errors ?? []).map((e) => ({ pointer: errorPointer(e), message: `${e.instancePath || '/'} ${e.message ?? 'is invalid'}` }));
}

function errorPointer(e: ErrorObject): string {
  const params = e.params as { missingProperty?: string; additionalProperty?: string };
  if (e.keyword === 'required' && params.missingProperty) return pointerJoin(e.instancePath, params.missingProperty);
  if (e.keyword === 'additionalProperties' && params.additionalProperty) return pointerJoin(e.instancePath, params.additionalProperty);
  return e.instancePath;
}

/** Does the documented response for this answer's status exist (an error status may fall to `default`)? */
export function statusDocumented(op: OperationSpec, status: number): boolean {
  return documentedResponse(op, status) !== undefined;
}

export function responseSchema(op: OperationSpec, answer: HttpAnswer): Schema | undefined {
  const response = documentedResponse(op, answer.status);
  return response?.content?.[answer.mediaType]?.schema ?? (response?.content ? Object.values(response.content)[0]?.schema : undefined);
}

/** Does one side's answer conform to the spec (status, media type, body schema)? */
export function conformance(op: OperationSpec, answer: HttpAnswer): string[] {
  const response = documentedResponse(op, answer.status);
  if (!response) return [`status ${answer.status} is not documented for ${op.operationId}`];
  if (response.content && !response.content[answer.mediaType]) return [`content type ${answer.mediaType || '(none)'} is not documented for ${op.operationId} ${answer.status}`];
  return violations(responseSchema(op, answer), answer.body).map((v) => `body${v.message}`);
}

/**
 * The differences between the target's and the mock's answers to the same request, in layers:
 * status, content type and documented headers; then, with the same status, the body's fields
 * (present, undocumented, of which type) everywhere, and values only where the contract fixes
 * them (enums, error answers' codes and messages, what a create echoes from its request), each
 * side's role values read as the same.
 */
export function compareAnswers(input: CompareInput): Found[] {
  const { operation: op, target, mock } = input;
  const t = target.answer;
  const m = mock.answer;
  const out: Found[] = [];
  if (t.status !== m.status) {
    out.push({ kind: 'status', class: statusDocumented(op, t.status) ? 'mock' : statusDocumented(op, m.status) ? 'spec' : 'both', target: t.status, mock: m.status, message: `status ${t.status} on the target, ${m.status} on the mock` });
    return out; // different answers: their bodies are not compared
  }
  const response = documentedResponse(op, t.status);
  if (t.mediaType !== m.mediaType) {
    const documented = (type: string) => !response?.content || Boolean(response.content[type]);
    out.push({ kind: 'content_type', class: cls(!documented(t.mediaType), !documented(m.mediaType)), target: t.headers['content-type'] ?? null, mock: m.headers['content-type'] ?? null, message: `content type ${t.mediaType || '(none)'} on the target, ${m.mediaType || '(none)'} on the mock` });
  }
  out.push(...compareHeaders(response, t, m, input.ignoreHeaders ?? []));
  if (t.body === undefined || m.body === undefined) return out;

  const schema = responseSchema(op, t);
  const tViolations = violations(schema, t.body);
  const mViolations = violations(schema, m.body);
  const breaks = (list: { pointer: string }[], pointer: string) => list.some((v) => v.pointer === pointer);
  const examples = exampleBodies(response);
  const echoed = new Set<string>();
  echoPointers(target.requestBody, t.body, '', echoed);
  const errorAnswer = t.status >= 400;
  const norm = (value: unknown, roles: Roles) => (typeof value === 'string' ? normalise(value, roles) : value);
  const ignored = (pointer: string) => (input.ignore ?? []).some((rule) => matches(rule, pointer));

  const walk = (s: Schema | undefined, tv: unknown, mv: unknown, pointer: string): void => {
    if (ignored(pointer)) return;
    const tt = jsonType(tv);
    const mt = jsonType(mv);
    // A one-value enum is a documented constant; a wider enum is checked by the schema only (which value is the data's own).
    const valueCompared = (s?.enum?.filter((v) => v !== null).length ?? 0) === 1 || errorAnswer || echoed.has(pointer);
    if (tt !== mt) {
      if (s && allows(s, tt) && allows(s, mt) && !valueCompared) return; // both documented (null or a value): the data's own
      const tb = breaks(tViolations, pointer);
      const mb = breaks(mViolations, pointer);
      out.push({ kind: 'type', pointer, class: cls(tb || !allows(s, tt), mb || !allows(s, mt)), target: tv, mock: mv, message: `${tt} on the target, ${mt} on the mock` });
      return;
    }
    if (tt === 'object') {
      const to = tv as Record<string, unknown>;
      const mo = mv as Record<string, unknown>;
      const documented = s?.properties ?? {};
      for (const key of new Set([...Object.keys(to), ...Object.keys(mo)])) {
        const p = pointerJoin(pointer, key);
        if (ignored(p)) continue;
        const inT = key in to;
        const inM = key in mo;
        const isDocumented = key in documented;
        if (!isDocumented && (inT || inM)) {
          if (inT && inM) {
            out.push({ kind: 'undocumented_field', pointer: p, class: 'both', target: to[key], mock: mo[key], message: 'a field the spec does not document, on both sides' });
          } else {
            out.push({ kind: 'undocumented_field', pointer: p, class: inT ? 'spec' : 'mock', ...(inT ? { target: to[key] } : { mock: mo[key] }), message: `a field the spec does not document, only on the ${inT ? 'target' : 'mock'}` });
          }
          continue;
        }
        if (inT && inM) {
          walk(documented[key] ?? (typeof s?.additionalProperties === 'object' ? s.additionalProperties : undefined), to[key], mo[key], p);
        } else {
          const required = s?.required?.includes(key) ?? false;
          out.push({ kind: 'missing_field', pointer: p, class: inT ? cls(false, required) : cls(required, false), ...(inT ? { target: to[key] } : { mock: mo[key] }), message: `missing on the ${inT ? 'mock' : 'target'}` });
        }
      }
      return;
    }
    if (tt === 'array') {
      const ta = tv as unknown[];
      const ma = mv as unknown[];
      for (let i = 0; i < Math.min(ta.length, ma.length); i++) walk(s?.items, ta[i], ma[i], pointerJoin(pointer, i));
      return;
    }
    if (valueCompared && norm(tv, target.roles) !== norm(mv, mock.roles)) {
      const documented: unknown[] = examples.map((ex) => valueAt(ex, pointer)).filter((v) => v !== undefined);
      const tb = breaks(tViolations, pointer) || (documented.includes(mv) && !documented.includes(tv));
      const mb = breaks(mViolations, pointer);
      out.push({ kind: 'value', pointer, class: cls(tb, mb), target: tv, mock: mv, message: 'the contract fixes this value; the sides differ' });
    }
  };
  walk(schema, t.body, m.body, '');

  // What breaks the spec and no difference above names.
  const named = (pointer: string) => out.some((d) => d.pointer !== undefined && (d.pointer === pointer || pointer.startsWith(`${d.pointer}/`)));
  for (const v of tViolations) {
    if (ignored(v.pointer) || named(v.pointer)) continue;
    out.push({ kind: 'schema', pointer: v.pointer, class: breaks(mViolations, v.pointer) ? 'both' : 'spec', target: valueAt(t.body, v.pointer), message: `the target's answer breaks the spec: ${v.message}` });
  }
  for (const v of mViolations) {
    if (ignored(v.pointer) || named(v.pointer)) continue;
    out.push({ kind: 'schema', pointer: v.pointer, class: 'mock', mock: valueAt(m.body, v.pointer), message: `the mock's answer breaks the spec: ${v.message}` });
  }
  return out;
}

function compareHeaders(response: ResponseSpec | undefined, t: HttpAnswer, m: HttpAnswer, ignore: string[]): Found[] {
  const out: Found[] = [];
  for (const [name, header] of Object.entries(response?.headers ?? {})) {
    const key = name.toLowerCase();
    if (ignore.includes(key)) continue;
    const tv = t.headers[key];
    const mv = m.headers[key];
    const allowed = header.schema?.enum;
    const breaksT = (tv === undefined && header.required === true) || (tv !== undefined && allowed !== undefined && !allowed.includes(tv));
    const breaksM = (mv === undefined && header.required === true) || (mv !== undefined && allowed !== undefined && !allowed.includes(mv));
    if ((tv === undefined) !== (mv === undefined)) {
      out.push({ kind: 'header', header: name, class: cls(breaksT, breaksM), target: tv ?? null, mock: mv ?? null, message: `${name} ${tv === undefined ? 'missing on the target' : 'missing on the mock'}` });
    } else if (tv !== undefined && allowed !== undefined && tv !== mv) {
      out.push({ kind: 'header', header: name, class: cls(breaksT, breaksM), target: tv, mock: mv, message: `${name} differs` });
    }
  }
  return out;
}

function cls(targetBreaks: boolean, mockBreaks: boolean): DriftClass {
  if (targetBreaks && mockBreaks) return 'both';
  return targetBreaks ? 'spec' : 'mock';
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (Number.isInteger(value)) return 'integer';
  return typeof value;
}

function allows(schema: Schema | undefined, type: string): boolean {
  if (!schema?.type) return true;
  if (type === 'null') return schema.nullable === true;
  return schema.type === type || (schema.type === 'number' && type === 'integer');
}

function exampleBodies(response: ResponseSpec | undefined): unknown[] {
  const out: unknown[] = [];
  for (const media of Object.values(response?.content ?? {})) {
    if (media.example !== undefined) out.push(media.example);
    for (const ex of Object.values(media.examples ?? {})) if (ex.value !== undefined) out.push(ex.value);
  }
  return out;
}

/**
 * The pointers of an answer that echo a scalar of the request: same key, lists read through
 * (a request's array is the answer's array, or its `data`, or its one array field).
 */
function echoPointers(request: unknown, answer: unknown, pointer: string, out: Set<string>): void {
  if (request === undefined || answer === undefined || answer === null) return;
  if (Array.isArray(request)) {
    const list = listIn(answer);
    if (!list) return;
    const base = Array.isArray(answer) ? pointer : pointerJoin(pointer, Array.isArray((answer as Record<string, unknown>).data) ? 'data' : (firstArrayKey(answer) ?? ''));
    request.forEach((item, i) => echoPointers(item, list[i], pointerJoin(base, i), out));
    return;
  }
  if (request && typeof request === 'object' && typeof answer === 'object') {
    const req = request as Record<string, unknown>;
    const ans = answer as Record<string, unknown>;
    for (const [key, value] of Object.entries(req)) {
      if (key in ans) echoPointers(value, ans[key], pointerJoin(pointer, key), out);
      else if (Array.isArray(value) && Object.keys(req).length === 1) echoPointers(value, answer, pointer, out);
    }
    return;
  }
  if (typeof request !== 'object' && typeof answer !== 'object') out.add(pointer);
}

function listIn(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (!value || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  if (Array.isArray(record.data)) return record.data;
  const key = firstArrayKey(value);
  return key ? (record[key] as unknown[]) : undefined;
}

function firstArrayKey(value: unknown): string | undefined {
  return Object.entries(value as Record<string, unknown>).find(([, v]) => Array.isArray(v))?.[0];
}

/** A side's role values replaced by their role names, so `'A1…' is not linked` reads the same on both. */
function normalise(text: string, roles: Roles): string {
  let out = text;
  for (const [role, value] of Object.entries(roles).sort((a, b) => String(b[1]).length - String(a[1]).length)) if (value) out = out.split(value).join(`<${role}>`);
  return out;
}

function matches(rule: string, pointer: string): boolean {
  if (!rule.startsWith('/')) return pointer.split('/').pop() === rule;
  const a = rule.split('/');
  const b = pointer.split('/');
  return a.length === b.length && a.every((part, i) => part === '*' || part === b[i]);
}

export const DIFFERENCE_KINDS: DifferenceKind[] = ['status', 'content_type', 'header', 'missing_field', 'undocumented_field', 'type', 'value', 'schema'];
