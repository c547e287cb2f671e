import express from 'express';
import type { ApiModule } from '../../core/api-module.js';
import { idempotency, keyClaimAhead, type KeySettings } from '../../core/idempotency/middleware.js';
import { requestValidation } from '../../core/validation.js';
import { jsonBody, refuseDeclaredOversize } from '../../core/pipeline/body.js';
import { OperationIndex, type OperationRef } from '../../core/contract/operations.js';
import type { RecordRef } from '../../core/store/record-store.js';
import { byOperation, type Step } from '../../core/pipeline/steps.js';
import { KEY_OWNER } from '../../core/idempotency/middleware.js';
import { bearerTokenOf, novaBearerAuth } from './bearer-auth.js';
import { callerOf, keyScope } from './caller.js';
import { newContact } from './contacts.js';
import { createDistributions, distributionReferences } from './create-distributions.js';
import { newEntity } from './entities.js';
import { renderNovaError } from './envelope.js';
import { novaFixtures } from './fixtures.js';
import { novaLifecycle } from './lifecycle.js';
import { TOKEN_PATH } from './oauth-errors.js';
import { callerForecast, organizationForecast, resolveOrganization } from './organization.js';
import { listDistributionPayments, listPaymentNotifications } from './payment-lists.js';
import { createResources, listPageAhead, listResources, retrieveResource } from './resources.js';
import { IDEMPOTENCY_KEY_MAX_LENGTH } from './spec-rules.js';
import { hashToken } from './tokens.js';
import type { OwnedCollection } from './owned.js';
import { tokenEndpoint } from './token-endpoint.js';
import type { operations } from './openapi.gen.js';
import type { NovaData } from './types.js';

/** Each GET-by-id operation's collection and path parameter: its handler reads that record, and so does the read-ahead. */
const RETRIEVED = {
  getEntity: ['novaEntities', 'entity_id'],
  getContact: ['novaContacts', 'contact_id'],
  getVehicle: ['novaVehicles', 'vehicle_id'],
  getDistribution: ['novaDistributions', 'distribution_id'],
} as const satisfies Partial<Record<keyof operations, readonly [OwnedCollection, string]>>;
const retrievedBy: ReadonlyMap<string, readonly [OwnedCollection, string]> = new Map(Object.entries(RETRIEVED));

/** Each list operation's collection: its handler reads one page of it, and so does the read-ahead. */
const LISTED = {
  listEntities: 'novaEntities',
  listContacts: 'novaContacts',
  listVehicles: 'novaVehicles',
  listDistributions: 'novaDistributions',
} as const satisfies Partial<Record<keyof operations, OwnedCollection>>;
const listedBy: ReadonlyMap<string, OwnedCollection> = new Map(Object.entries(LISTED));

/**
 * Whether the read-ahead reads this operation's body: for a key the spec lets it take (its
 * claim) or a batch of distributions (its references).
 */
function readsBodyAhead(operation: OperationRef): boolean {
  return operation.operationId === 'createDistributions' || OperationIndex.for('nova').documentsHeader(operation, 'Idempotency-Key');
}

/** Nova's idempotency keys, as the step claims them and as the read-ahead claims them ahead. */
const NOVA_KEYS: KeySettings<'novaIdempotencyKeys'> = { collection: 'novaIdempotencyKeys', maxKeyLength: IDEMPOTENCY_KEY_MAX_LENGTH };

/** The Nova API (`openapi/nova.yaml`): OAuth token endpoint and the `/v1` resources. */
export const novaApi: ApiModule<NovaData> = {
  name: 'nova',
  mountPaths: [TOKEN_PATH, '/v1'],
  fixtures: novaFixtures,
  // Lists read an organization's objects newest first; key records are evicted oldest first.
  schemas: {
    novaVehicles: { owner: (record) => record.organization },
    novaEntities: { owner: (record) => record.organization },
    novaContacts: { owner: (record) => record.organization },
    novaDistributions: { owner: (record) => record.organization },
    novaIdempotencyKeys: { owner: () => KEY_OWNER },
    novaTokens: { owner: (record) => record.clientId },
  },
  fixedCollections: ['novaOrganizations', 'novaClients'],
  // With --database, a `/v1` request reads its token's record, a GET by id its object and a list
  // its page, in the statement that reads the shared state (the client is a fixed record the
  // store keeps). A create by a token a recent request settled has its body read first
  // (`bodyAhead`): a batch's references and a keyed create's claim come in that statement too.
  readAhead(req, operation) {
    if (operation.path === TOKEN_PATH) return {};
    const token = bearerTokenOf(req.get('authorization'));
    if (token === undefined) return {};
    const hash = hashToken(token);
    const records: RecordRef[] = [{ collection: 'novaTokens', id: hash }];
    const target = retrievedBy.get(operation.operationId);
    if (target) records.push({ collection: target[0], id: OperationIndex.for('nova').parametersOf(operation, req.path)[target[1]] ?? '' });
    const listed = listedBy.get(operation.operationId);
    const page = listed && listPageAhead(req, operation, listed, organizationForecast(req, hash));
    if (page) return { records, page };
    if (!readsBodyAhead(operation) || req.body === undefined) return { records }; // no body read ahead, or it failed
    if (operation.operationId === 'createDistributions') records.push(...distributionReferences(req.body));
    const caller = callerForecast(req, hash);
    const claim = caller && keyClaimAhead(req, NOVA_KEYS, keyScope(caller));
    return claim ? { records, claim } : { records };
  },
  bodyAhead(req, operation) {
    if (!readsBodyAhead(operation) || (operation.operationId !== 'createDistributions' && req.get('idempotency-key') === undefined)) return false;
    const token = bearerTokenOf(req.get('authorization'));
    return token !== undefined && callerForecast(req, hashToken(token)) !== undefined; // an unknown token hears 401 with its body unread
  },
  renderError: renderNovaError,
  lifecycle: novaLifecycle,
  // The token endpoint reads its form; `/v1` authenticates first (no token: 401 whatever the
  // body, and the body is never read), then the organization, the body, the idempotency key,
  // the spec, and the handler of the operation the door resolved.
  steps(ctx, { bodyLimit, maxIdempotencyKeys }) {
    const handlers = byOperation<keyof operations>({
      issueToken: tokenEndpoint(ctx),
      createEntities: createResources(ctx, 'novaEntities', '/v1/entities', newEntity(ctx.ids)),
      listEntities: listResources(ctx, LISTED.listEntities, '/v1/entities'),
      getEntity: retrieveResource(ctx, ...RETRIEVED.getEntity),
      createContacts: createResources(ctx, 'novaContacts', '/v1/contacts', newContact(ctx.ids)),
      listContacts: listResources(ctx, LISTED.listContacts, '/v1/contacts'),
      getContact: retrieveResource(ctx, ...RETRIEVED.getContact),
      listVehicles: listResources(ctx, LISTED.listVehicles, '/v1/vehicles'),
      getVehicle: retrieveResource(ctx, ...RETRIEVED.getVehicle),
      createDistributions: createDistributions(ctx),
      listDistributions: listResources(ctx, LISTED.listDistributions, '/v1/distributions'),
      getDistribution: retrieveResource(ctx, ...RETRIEVED.getDistribution),
      listDistributionPayments: listDistributionPayments(ctx),
      listPaymentNotifications: listPaymentNotifications(ctx),
    });
    const json = jsonBody(bodyLimit);
    const validate = requestValidation('nova');
    return {
      [TOKEN_PATH]: [refuseDeclaredOversize(bodyLimit), express.urlencoded({ extended: false, limit: bodyLimit }), ...json, validate, handlers],
      '/v1': [
        novaBearerAuth(ctx.store, ctx.clock),
        resolveOrganization(),
        ...json,
        documentedOnly(idempotency({
          ...NOVA_KEYS,
          store: ctx.store,
          clock: ctx.clock,
          ...(maxIdempotencyKeys !== undefined && { maxRecords: maxIdempotencyKeys }),
          // A batch of distributions reads its references with the claim (one round trip fewer).
          readAhead: (req, res) => (res.locals.request.operation?.operationId === 'createDistributions' ? distributionReferences(req.body) : []),
          scope: (_req, res) => keyScope(callerOf(res.locals)),
        })),
        validate,
        handlers,
      ],
    };
  },
};

/**
 * Runs `keys` only for a request the spec has an operation for (the one the door resolved): one
 * the routing refuses (405 for `PUT /v1/contacts`, 404 for a path Nova lacks) never reaches the
 * key store, so its answer is not stored or replayed, its key is not spent, and a key a POST
 * used is no 409 to it.
 */
function documentedOnly(keys: Step): Step {
  return function documentedOnly(req, res, next) {
    if (res.locals.request.operation === undefined) return next();
    return keys(req, res, next);
  };
}
