import express, { Router } from 'express';
import type { RequestHandler } from 'express';
import { OperationIndex } from '../../core/contract/operations.js';
import type { ApiModule } from '../../core/api-module.js';
import { fail } from '../../core/errors.js';
import { idempotency } from '../../core/idempotency/middleware.js';
import { requestValidation } from '../../core/validation.js';
import { jsonBody, refuseDeclaredOversize } from '../../core/pipeline/body.js';
import { KEY_OWNER } from '../../core/idempotency/middleware.js';
import { novaBearerAuth } from './bearer-auth.js';
import { callerOf } from './caller.js';
import { newContact } from './contacts.js';
import { createDistributions } from './create-distributions.js';
import { newEntity } from './entities.js';
import { renderNovaError } from './envelope.js';
import { novaFixtures } from './fixtures.js';
import { novaLifecycle } from './lifecycle.js';
import { TOKEN_PATH } from './oauth-errors.js';
import { resolveOrganization } from './organization.js';
import { listDistributionPayments, listPaymentNotifications } from './payment-lists.js';
import { createResources, listResources, retrieveResource } from './resources.js';
import { IDEMPOTENCY_KEY_MAX_LENGTH } from './spec-rules.js';
import { tokenEndpoint } from './token-endpoint.js';
import type { NovaData } from './types.js';

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
  renderError: renderNovaError,
  lifecycle: novaLifecycle,
  router(ctx, { bodyLimit, maxIdempotencyKeys }) {
    // Paths are matched as the spec spells them: `/v1/Entities` is no route, as the operation
    // index (strict mode, coverage, the journal) already sees it.
    const router = Router({ caseSensitive: true });
    const json = jsonBody(bodyLimit);
    // The token endpoint takes a form (RFC 6749; a JSON body is parsed to be refused clearly),
    // under the same size limit. Its client credentials may be in that form, so it is read first.
    router.use(TOKEN_PATH, refuseDeclaredOversize(bodyLimit), express.urlencoded({ extended: false, limit: bodyLimit }), json);
    // Order matters: who is calling (before the body is read: no token, 401, whatever the body),
    // for which organization, the body, then the idempotency key (scoped to both, fingerprinting
    // the body), and only then validation, so that a validation error is an answer the key
    // stores and replays like any other.
    router.use(
      '/v1',
      novaBearerAuth(ctx.store, ctx.clock),
      resolveOrganization(),
      json,
      documentedOnly(idempotency({
        store: ctx.store,
        clock: ctx.clock,
        collection: 'novaIdempotencyKeys',
        maxKeyLength: IDEMPOTENCY_KEY_MAX_LENGTH,
        ...(maxIdempotencyKeys !== undefined && { maxRecords: maxIdempotencyKeys }),
        scope: (_req, res) => {
          const caller = callerOf(res.locals);
          return `${caller.clientId} ${caller.organization}`;
        },
      })),
    );
    router.use(requestValidation('nova'));

    router.post(TOKEN_PATH, tokenEndpoint(ctx));
    router.post('/v1/entities', createResources(ctx, 'novaEntities', '/v1/entities', newEntity(ctx.ids)));
    router.get('/v1/entities', listResources(ctx, 'novaEntities', '/v1/entities'));
    router.get('/v1/entities/:entity_id', retrieveResource(ctx, 'novaEntities', 'entity_id'));
    router.post('/v1/contacts', createResources(ctx, 'novaContacts', '/v1/contacts', newContact(ctx.ids)));
    router.get('/v1/contacts', listResources(ctx, 'novaContacts', '/v1/contacts'));
    router.get('/v1/contacts/:contact_id', retrieveResource(ctx, 'novaContacts', 'contact_id'));
    router.get('/v1/vehicles', listResources(ctx, 'novaVehicles', '/v1/vehicles'));
    router.get('/v1/vehicles/:vehicle_id', retrieveResource(ctx, 'novaVehicles', 'vehicle_id'));
    router.post('/v1/distributions', createDistributions(ctx));
    router.get('/v1/distributions', listResources(ctx, 'novaDistributions', '/v1/distributions'));
    router.get('/v1/distributions/:distribution_id', retrieveResource(ctx, 'novaDistributions', 'distribution_id'));
    router.get('/v1/distributions/:distribution_id/payments', listDistributionPayments(ctx));
    router.get('/v1/distribution_payments/:payment_id/notifications', listPaymentNotifications(ctx));
    // Whatever the validator let through but no route took (a path differing only in case) is
    // answered here, in Nova's envelope, rather than by the app's generic 404.
    router.use(function novaRouteNotFound() {
      fail({ kind: 'not_found', status: 404, message: 'no such route' });
    });
    return router;
  },
};

/**
 * Runs `keys` only for a request the spec has an operation for: one the routing refuses (405 for
 * `PUT /v1/contacts`, 404 for a path Nova lacks) never reaches the key store, so its answer is not
 * stored or replayed, its key is not spent, and a key a POST used is no 409 to it.
 */
function documentedOnly(keys: RequestHandler): RequestHandler {
  const operations = OperationIndex.for('nova');
  return function documentedOnly(req, res, next) {
    const path = req.originalUrl.split('?')[0] ?? '';
    if (operations.match(req.method, path) === undefined) return next();
    return keys(req, res, next);
  };
}
