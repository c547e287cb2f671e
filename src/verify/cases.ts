import { sandboxFixtures } from './profile.js';
import { resolvedSpec, type OperationSpec, type Schema } from './spec-schemas.js';
import type { Case, HttpAnswer, HttpRequest, Role, SideView, Step, VerifyApi } from './types.js';

/**
 * The contract cases of one API, built from its OpenAPI document: each request example (its
 * fixture ids mapped to the side's roles), a generated valid request per operation, the
 * documented invalid requests, the authentication answers and the stateful flows (create →
 * read back by the returned id → find it in the list; keyed create → replay → mismatch).
 */
export function buildCases(api: VerifyApi): Case[] {
  return api === 'norcap' ? norcapCases() : novaCases();
}

const UNKNOWN_UUID = '00000000-0000-4000-8000-000000000000';

/** Strings of the README's fixtures, mapped to the side's role values. */
function withRoles(api: VerifyApi, value: unknown, side: SideView): unknown {
  const defaults = sandboxFixtures(api).roles;
  const byValue = new Map<string, Role>();
  for (const [role, id] of Object.entries(defaults)) if (id) byValue.set(id, role as Role);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const role = byValue.get(v);
      return role ? side.role(role) : v;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value);
}

/** The roles an example uses (its README fixture ids). */
function rolesIn(api: VerifyApi, value: unknown): Role[] {
  const text = JSON.stringify(value);
  return Object.entries(sandboxFixtures(api).roles)
    .filter(([, id]) => id && text.includes(`"${id}"`))
    .map(([role]) => role as Role);
}

function requestExamples(op: OperationSpec): [string, unknown][] {
  const media = op.requestBody?.content['application/json'] ?? op.requestBody?.content['application/x-www-form-urlencoded'];
  if (!media) return [];
  if (media.examples) return Object.entries(media.examples).map(([name, ex]) => [name, ex.value]);
  return media.example === undefined ? [] : [['example', media.example]];
}

/** A valid value for a schema: its example, else the first enum value, else a minimal one. */
function sample(schema: Schema | undefined, requiredOnly: boolean): unknown {
  if (!schema) return null;
  if (schema.example !== undefined) return schema.example;
  if (schema.enum) return schema.enum.find((v) => v !== null);
  if (schema.type === 'object' || schema.properties) {
    const out: Record<string, unknown> = {};
    for (const [key, prop] of Object.entries(schema.properties ?? {})) {
      if (requiredOnly && !schema.required?.includes(key)) continue;
      out[key] = sample(prop, requiredOnly);
    }
    return out;
  }
  if (schema.type === 'array') return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () => sample(schema.items, requiredOnly));
  if (schema.type === 'integer' || schema.type === 'number') return 1;
  if (schema.type === 'boolean') return false;
  return 'verify';
}

function jsonSchema(op: OperationSpec): Schema | undefined {
  return op.requestBody?.content['application/json']?.schema;
}

function get(operationId: string, name: string, build: (side: SideView) => HttpRequest | undefined, more: Partial<Step> = {}): Step {
  return { name, operationId, build, ...more };
}

function readCase(id: string, title: string, source: Case['source'], steps: Step[], roles: Role[] = [], authFailure = false): Case {
  return { id, title, source, steps, roles, writes: false, authFailure, operations: [...new Set(steps.map((s) => s.operationId))] };
}

function writeCase(id: string, title: string, source: Case['source'], steps: Step[], roles: Role[]): Case {
  return { ...readCase(id, title, source, steps, roles), writes: true };
}

/** Keeps the first id found at `pointer`-like path `path` of the answer under `key`. */
function captureFirst(key: string, pick: (body: unknown) => unknown) {
  return (answer: HttpAnswer, side: SideView) => {
    if (answer.status >= 200 && answer.status < 300) side.set(key, pick(answer.body));
  };
}

function idOf(list: unknown, index = 0): unknown {
  return Array.isArray(list) ? (list[index] as { id?: unknown } | undefined)?.id : undefined;
}

function has(key: string, side: SideView): string | undefined {
  const value = side.get(key);
  return typeof value === 'string' ? value : undefined;
}

/** "The created id is in this list". */
function listContains(key: string, listOf: (body: unknown) => unknown) {
  return (answer: HttpAnswer, side: SideView) => {
    const id = has(key, side);
    const list = listOf(answer.body);
    if (!id || !Array.isArray(list)) return undefined;
    return list.some((item) => (item as { id?: unknown }).id === id) ? undefined : `the created ${id} is not in the list`;
  };
}

// ---------------------------------------------------------------- NorCap

function norcapCases(): Case[] {
  const spec = resolvedSpec('norcap');
  const create = spec.operation('createDistributions');
  const list = spec.operation('listDistributions');
  const path = create.path;
  const byId = (id: string) => spec.operation('getDistribution').path.replace('{distributionId}', encodeURIComponent(id));
  const cases: Case[] = [];
  const tagged = (body: unknown, side: SideView, caseId: string): unknown => {
    const b = structuredClone(body) as { newDistributions?: Record<string, unknown>[] };
    for (const item of b.newDistributions ?? []) item.transactionMemo = `${side.runTag} ${caseId}`;
    return b;
  };
  const post = (caseId: string, body: (side: SideView) => unknown, more: Partial<Step> = {}): Step =>
    get('createDistributions', 'create', (side) => ({ method: 'POST', path, json: tagged(body(side), side, caseId), auth: 'credentials' }), more);

  // Reads.
  cases.push(readCase('listDistributions.default', 'list with no parameters', 'generated', [get('listDistributions', 'list', () => ({ method: 'GET', path: list.path, auth: 'credentials' }))]));
  const exampleQuery = (side: SideView): [string, string][] =>
    list.parameters.filter((p) => p.in === 'query' && p.example !== undefined && !p.name.includes('submissionId')).map((p) => [p.name, String(withRoles('norcap', Array.isArray(p.example) ? p.example[0] : p.example, side))]);
  cases.push(readCase('listDistributions.parameterExamples', "list with every parameter's documented example", 'example', [get('listDistributions', 'list', (side) => ({ method: 'GET', path: list.path, query: [...exampleQuery(side), ['sort', 'createdAt:desc'], ['limit', '5']], auth: 'credentials' }))], ['brokerageAccount']));
  cases.push(readCase('listDistributions.invalidLimit', 'limit below its minimum: 400', 'invalid', [get('listDistributions', 'list', () => ({ method: 'GET', path: list.path, query: [['limit', '0']], auth: 'credentials' }))]));
  cases.push(readCase('getDistribution.unknown', 'an id that does not exist: 404', 'invalid', [get('getDistribution', 'get', () => ({ method: 'GET', path: byId(UNKNOWN_UUID), auth: 'credentials' }))]));
  cases.push(
    readCase('getDistribution.firstListed', 'read back the first listed distribution by its id', 'flow', [
      get('listDistributions', 'list', () => ({ method: 'GET', path: list.path, query: [['limit', '1']], auth: 'credentials' }), { capture: captureFirst('first', (b) => idOf((b as { custody_distributions?: unknown }).custody_distributions)) }),
      get('getDistribution', 'get', (side) => (has('first', side) ? { method: 'GET', path: byId(has('first', side) as string), auth: 'credentials' } : undefined)),
    ]),
  );
  cases.push(readCase('auth.missing', 'no Authorization header: 401', 'auth', [get('listDistributions', 'list', () => ({ method: 'GET', path: list.path, auth: 'none' }))]));
  cases.push(readCase('auth.wrongKey', 'a wrong API key: 401', 'auth', [get('listDistributions', 'list', () => ({ method: 'GET', path: list.path, auth: 'wrong-secret' }))], [], true));

  // The request examples, with their documented answers.
  for (const [name, example] of requestExamples(create)) {
    const id = `createDistributions.example.${name}`;
    cases.push(writeCase(id, `request example "${name}"`, 'example', [post(id, (side) => withRoles('norcap', example, side))], rolesIn('norcap', example)));
  }
  // A generated valid request: required fields only, plus the linked account.
  const generated = (side: SideView) => {
    const body = sample(jsonSchema(create), true) as { newDistributions: Record<string, unknown>[] };
    for (const item of body.newDistributions) Object.assign(item, { brokerageAccountId: side.role('brokerageAccount'), accountId: side.role('linkedAccount') });
    return body;
  };
  cases.push(
    writeCase(
      'createDistributions.flow',
      'create, read back by the returned id, find it in the list of its submission',
      'flow',
      [
        post('createDistributions.flow', generated, {
          capture: (answer, side) => {
            const first = (answer.body as { distributions?: { id?: string; submissionId?: string }[] } | undefined)?.distributions?.[0];
            if (first?.id) side.set('created', first.id);
            if (first?.submissionId) side.set('submission', first.submissionId);
          },
        }),
        get('getDistribution', 'get', (side) => (has('created', side) ? { method: 'GET', path: byId(has('created', side) as string), auth: 'credentials' } : undefined)),
        get('listDistributions', 'list', (side) => (has('submission', side) ? { method: 'GET', path: list.path, query: [['filter[submissionId]', has('submission', side) as string]], auth: 'credentials' } : undefined), {
          expect: listContains('created', (b) => (b as { custody_distributions?: unknown }).custody_distributions),
        }),
      ],
      ['brokerageAccount', 'linkedAccount'],
    ),
  );
  // The documented invalid requests (openapi/norcap.yaml's 400 and 422 examples).
  const item = (side: SideView, extra: Record<string, unknown>) => ({ newDistributions: [{ brokerageAccountId: side.role('brokerageAccount'), amountCents: 1234, ...extra }] });
  const invalid: [string, string, (side: SideView) => unknown, Role[]][] = [
    ['required', 'neither account ID nor banking info: 1400', (s) => item(s, {}), ['brokerageAccount']],
    ['both', 'both account ID and banking info: 1400', (s) => item(s, { accountId: s.role('linkedAccount'), bankId: '012345678', bankAccountId: '123456789' }), ['brokerageAccount', 'linkedAccount']],
    ['invalidAccount', 'an account ID that does not exist: 1400', (s) => item(s, { accountId: 'A999' }), ['brokerageAccount']],
    ['notLinked', 'an account not linked to a bank account: 1400', (s) => item(s, { accountId: s.role('unlinkedAccount') }), ['brokerageAccount', 'unlinkedAccount']],
    ['noBrokerage', 'a brokerage account that does not exist: 1400', (s) => ({ newDistributions: [{ brokerageAccountId: 'NC00000', amountCents: 1234, accountId: s.role('linkedAccount') }] }), ['linkedAccount']],
    ['iban', 'an IBAN failing its checksum: 1422', (s) => item(s, { bankId: 'DEUTDEFF', bankAccountId: 'DE00370400440532013000' }), ['brokerageAccount']],
  ];
  for (const [name, title, body, roles] of invalid) {
    const id = `createDistributions.invalid.${name}`;
    cases.push(writeCase(id, title, 'invalid', [post(id, body)], roles));
  }
  const newItem = (jsonSchema(create)?.properties?.newDistributions?.items ?? {}) as Schema;
  for (const field of newItem.required ?? []) {
    const id = `createDistributions.invalid.missing.${field}`;
    cases.push(
      writeCase(id, `required ${field} missing: 1400`, 'invalid', [
        post(id, (side) => {
          const body = generated(side);
          for (const it of body.newDistributions) delete it[field];
          return body;
        }),
      ], ['brokerageAccount', 'linkedAccount']),
    );
  }
  return cases;
}

// ---------------------------------------------------------------- Nova

function novaCases(): Case[] {
  const spec = resolvedSpec('nova');
  const cases: Case[] = [];
  const op = (id: string) => spec.operation(id);
  const org = (side: SideView) => ({ 'x-organization-id': side.role('organization') });
  const read = (operationId: string, name: string, path: (side: SideView) => string | undefined, query: [string, string][] = [], more: Partial<Step> = {}): Step =>
    get(operationId, name, (side) => {
      const p = path(side);
      return p === undefined ? undefined : { method: 'GET', path: p, query, headers: org(side), auth: 'credentials' };
    }, more);
  const fill = (operationId: string, params: Record<string, string>) => Object.entries(params).reduce((p, [k, v]) => p.replace(`{${k}}`, encodeURIComponent(v)), op(operationId).path);

  // The token endpoint: its request example, with the side's client.
  const token = op('issueToken');
  for (const [name, example] of requestExamples(token)) {
    const form = Object.fromEntries(Object.entries(example as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
    cases.push(readCase(`issueToken.example.${name}`, `request example "${name}" (the side's own client)`, 'example', [get('issueToken', 'token', () => ({ method: 'POST', path: token.path, form, auth: 'credentials' }))]));
  }
  cases.push(readCase('issueToken.configured', "a token the way the profile's client authenticates (Basic unless auth.method: form)", 'generated', [get('issueToken', 'token', () => ({ method: 'POST', path: token.path, form: { grant_type: 'client_credentials' }, auth: 'credentials' }))]));
  cases.push(readCase('issueToken.unsupportedGrant', 'an unsupported grant_type: 400', 'invalid', [get('issueToken', 'token', () => ({ method: 'POST', path: token.path, form: { grant_type: 'password' }, auth: 'none' }))]));
  cases.push(readCase('issueToken.wrongSecret', 'a wrong client secret: 401 invalid_client', 'auth', [get('issueToken', 'token', () => ({ method: 'POST', path: token.path, form: { grant_type: 'client_credentials' }, auth: 'wrong-secret' }))], [], true));

  // Lists and reads of the fixtures.
  const lists: [string, string][] = [['listEntities', 'entity'], ['listContacts', 'contact'], ['listVehicles', 'vehicle'], ['listDistributions', 'distribution']];
  for (const [operationId] of lists) {
    cases.push(readCase(`${operationId}.default`, 'list with no parameters', 'generated', [read(operationId, 'list', () => op(operationId).path)], ['organization']));
  }
  cases.push(readCase('listEntities.invalidLimit', 'limit below its minimum: 400', 'invalid', [read('listEntities', 'list', () => op('listEntities').path, [['limit', '0']])], ['organization']));
  cases.push(readCase('listContacts.unknownStartingAfter', 'an unknown starting_after: 404', 'invalid', [read('listContacts', 'list', () => op('listContacts').path, [['starting_after', 'cnt_verifyDoesNotExist']])], ['organization']));
  const gets: [string, string, Role][] = [['getEntity', 'entity_id', 'entity'], ['getContact', 'contact_id', 'contact'], ['getVehicle', 'vehicle_id', 'vehicle']];
  for (const [operationId, param, role] of gets) {
    cases.push(readCase(`${operationId}.fixture`, `the profile's ${role}`, 'generated', [read(operationId, 'get', (s) => fill(operationId, { [param]: s.role(role) }))], ['organization', role]));
  }
  cases.push(readCase('getEntity.unknown', 'an id that does not exist: 404', 'invalid', [read('getEntity', 'get', () => fill('getEntity', { entity_id: 'ent_verifyDoesNotExist' }))], ['organization']));
  cases.push(readCase('getDistribution.unknown', 'an id that does not exist: 404', 'invalid', [read('getDistribution', 'get', () => fill('getDistribution', { distribution_id: 'dst_verifyDoesNotExist' }))], ['organization']));
  cases.push(readCase('listDistributionPayments.unknown', 'a distribution that does not exist: 404', 'invalid', [read('listDistributionPayments', 'list', () => fill('listDistributionPayments', { distribution_id: 'dst_verifyDoesNotExist' }))], ['organization']));
  cases.push(readCase('listPaymentNotifications.unknown', 'a payment that does not exist: 404', 'invalid', [read('listPaymentNotifications', 'list', () => fill('listPaymentNotifications', { payment_id: 'dpmt_verifyDoesNotExist' }))], ['organization']));
  const walkFirst = (prefix: string): Step[] => [
    read('getDistribution', 'get', (s) => (has(`${prefix}dst`, s) ? fill('getDistribution', { distribution_id: has(`${prefix}dst`, s) as string }) : undefined)),
    read('listDistributionPayments', 'payments', (s) => (has(`${prefix}dst`, s) ? fill('listDistributionPayments', { distribution_id: has(`${prefix}dst`, s) as string }) : undefined), [], {
      capture: captureFirst(`${prefix}dpmt`, (b) => idOf((b as { data?: unknown }).data)),
    }),
    read('listPaymentNotifications', 'notifications', (s) => (has(`${prefix}dpmt`, s) ? fill('listPaymentNotifications', { payment_id: has(`${prefix}dpmt`, s) as string }) : undefined)),
  ];
  cases.push(
    readCase('getDistribution.firstListed', 'read back the first listed distribution, its payments and their notifications', 'flow', [
      read('listDistributions', 'list', () => op('listDistributions').path, [['limit', '1']], { capture: captureFirst('dst', (b) => idOf((b as { data?: unknown }).data)) }),
      ...walkFirst(''),
    ], ['organization']),
  );
  cases.push(readCase('auth.missing', 'no token: 401 unauthorized', 'auth', [get('listVehicles', 'list', () => ({ method: 'GET', path: op('listVehicles').path, auth: 'none' }))]));
  cases.push(readCase('auth.invalidToken', 'a token the server never issued: 401 invalid_token', 'auth', [get('listVehicles', 'list', () => ({ method: 'GET', path: op('listVehicles').path, auth: 'bogus' }))]));

  // Creates: request examples, flows and idempotency (each with an Idempotency-Key and the run tag).
  const tag = (body: unknown, side: SideView, caseId: string): unknown =>
    Array.isArray(body) ? body.map((item: Record<string, unknown>) => ({ ...item, external_reference: `${side.runTag} ${caseId}` })) : body;
  const post = (operationId: string, caseId: string, name: string, body: (side: SideView) => unknown, more: Partial<Step> & { key?: string } = {}): Step =>
    get(operationId, name, (side) => ({
      method: 'POST',
      path: op(operationId).path,
      json: tag(body(side), side, caseId),
      headers: { ...org(side), 'idempotency-key': `${side.runTag}-${caseId}-${more.key ?? name}` },
      auth: 'credentials',
    }), { replayHeader: 'idempotent-replayed', ...more });
  for (const operationId of ['createEntities', 'createContacts', 'createDistributions']) {
    for (const [name, example] of requestExamples(op(operationId))) {
      const id = `${operationId}.example.${name}`;
      cases.push(writeCase(id, `request example "${name}"`, 'example', [post(operationId, id, 'create', (s) => withRoles('nova', example, s))], ['organization', ...rolesIn('nova', example)]));
    }
  }
  const generatedEntity = () => sample(jsonSchema(op('createEntities')), true);
  const generatedContact = () => [{ name: 'Verify Contact', email: 'verify@example.com' }];
  const created = (key: string) => captureFirst(key, (b) => idOf((b as { data?: unknown }).data));
  cases.push(
    writeCase('createEntities.flow', 'create an entity, read it back, find it in the list', 'flow', [
      post('createEntities', 'createEntities.flow', 'create', generatedEntity, { capture: created('ent') }),
      read('getEntity', 'get', (s) => (has('ent', s) ? fill('getEntity', { entity_id: has('ent', s) as string }) : undefined)),
      read('listEntities', 'list', () => op('listEntities').path, [['limit', '100']], { expect: listContains('ent', (b) => (b as { data?: unknown }).data) }),
    ], ['organization']),
  );
  cases.push(
    writeCase('createContacts.flow', 'create a contact, read it back, find it in the list', 'flow', [
      post('createContacts', 'createContacts.flow', 'create', generatedContact, { capture: created('cnt') }),
      read('getContact', 'get', (s) => (has('cnt', s) ? fill('getContact', { contact_id: has('cnt', s) as string }) : undefined)),
      read('listContacts', 'list', () => op('listContacts').path, [['limit', '100']], { expect: listContains('cnt', (b) => (b as { data?: unknown }).data) }),
    ], ['organization']),
  );
  const generatedDistribution = (s: SideView) => [
    { name: 'Verify distribution', distribution_date: '2024-04-20T00:00:00Z', vehicle: s.role('vehicle'), payments: [{ amount: 1000, currency: 'USD', entity: s.role('entity'), notifications: [{ contact: s.role('contact') }] }] },
  ];
  cases.push(
    writeCase('createDistributions.flow', 'create a distribution, read it, its payments and notifications back, find it in the list', 'flow', [
      post('createDistributions', 'createDistributions.flow', 'create', generatedDistribution, { capture: created('fdst') }),
      ...walkFirst('f'),
      read('listDistributions', 'list', () => op('listDistributions').path, [['limit', '100']], { expect: listContains('fdst', (b) => (b as { data?: unknown }).data) }),
    ], ['organization', 'vehicle', 'entity', 'contact']),
  );
  cases.push(
    writeCase('createContacts.idempotency', 'keyed create, the same request replayed, the same key with another body: 409', 'flow', [
      post('createContacts', 'createContacts.idempotency', 'create', generatedContact, { key: 'k' }),
      post('createContacts', 'createContacts.idempotency', 'replay', generatedContact, { key: 'k', replayHeader: undefined }),
      post('createContacts', 'createContacts.idempotency', 'mismatch', () => [{ name: 'Verify Other', email: 'other@example.com' }], { key: 'k', replayHeader: undefined }),
    ], ['organization']),
  );
  const entitySchema = (jsonSchema(op('createEntities'))?.items ?? {}) as Schema;
  for (const field of entitySchema.required ?? []) {
    const id = `createEntities.invalid.missing.${field}`;
    cases.push(writeCase(id, `required ${field} missing: 400 parameter_missing`, 'invalid', [post('createEntities', id, 'create', () => (generatedEntity() as Record<string, unknown>[]).map((e) => Object.fromEntries(Object.entries(e).filter(([k]) => k !== field))))], ['organization']));
  }
  cases.push(writeCase('createDistributions.invalid.unknownEntity', 'an entity that does not exist: 404 resource_missing', 'invalid', [post('createDistributions', 'createDistributions.invalid.unknownEntity', 'create', (s) => generatedDistribution(s).map((d) => ({ ...d, payments: d.payments.map((p) => ({ ...p, entity: 'ent_verifyDoesNotExist' })) })))], ['organization', 'vehicle', 'contact']));
  return cases;
}
