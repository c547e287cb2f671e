import express, { Router } from 'express';
import type { ApiModule } from '../../core/api-module.js';
import { fail } from '../../core/errors.js';
import { idempotency } from '../../core/idempotency/middleware.js';
import { requestValidation } from '../../core/validation.js';
import { novaBearerAuth } from './bearer-auth.js';
import { callerOf } from './caller.js';
import { newContact } from './contacts.js';
import { createDistributions } from './create-distributions.js';
import { newEntity } from './entities.js';
import { renderNovaError } from './envelope.js';
import { novaFixtures } from './fixtures.js';
import { novaLifecycle } from './lifecycle.js';
import { TOKEN_PATH } from './oauth-errors.js';
import { OrganizationIndex } from './organization-index.js';
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
  renderError: renderNovaError,
  lifecycle: novaLifecycle,
  router(ctx, { bodyLimit }) {
    // Paths are matched as the spec spells them: `/v1/Entities` is no route, as the operation
    // index (strict mode, coverage, the journal) already sees it.
    const router = Router({ caseSensitive: true });
    // The app's per-API router parses JSON only; the token endpoint takes a form (RFC 6749),
    // under the same size limit.
    router.use(TOKEN_PATH, express.urlencoded({ extended: false, limit: bodyLimit }));
    // Order matters: who is calling, then for which organization, then the idempotency key
    // (scoped to both), and only then validation, so that a validation error is an answer the
    // key stores and replays like any other.
    router.use(
      '/v1',
      novaBearerAuth(ctx.store, ctx.clock),
      resolveOrganization(),
      idempotency({
        store: ctx.store,
        clock: ctx.clock,
        collection: 'novaIdempotencyKeys',
        maxKeyLength: IDEMPOTENCY_KEY_MAX_LENGTH,
        scope: (_req, res) => {
          const caller = callerOf(res.locals);
          return `${caller.clientId} ${caller.organization}`;
        },
      }),
    );
    router.use(requestValidation('nova'));

    // Lists read each organization's ids from here; creates extend it as they commit.
    const index = new OrganizationIndex(ctx.store);

    router.post(TOKEN_PATH, tokenEndpoint(ctx));
    router.post('/v1/entities', createResources(ctx, index, 'novaEntities', '/v1/entities', newEntity(ctx.ids)));
    router.get('/v1/entities', listResources(index, 'novaEntities', '/v1/entities'));
    router.get('/v1/entities/:entity_id', retrieveResource(ctx, 'novaEntities', 'entity_id'));
    router.post('/v1/contacts', createResources(ctx, index, 'novaContacts', '/v1/contacts', newContact(ctx.ids)));
    router.get('/v1/contacts', listResources(index, 'novaContacts', '/v1/contacts'));
    router.get('/v1/contacts/:contact_id', retrieveResource(ctx, 'novaContacts', 'contact_id'));
    router.get('/v1/vehicles', listResources(index, 'novaVehicles', '/v1/vehicles'));
    router.get('/v1/vehicles/:vehicle_id', retrieveResource(ctx, 'novaVehicles', 'vehicle_id'));
    router.post('/v1/distributions', createDistributions(ctx, index));
    router.get('/v1/distributions', listResources(index, 'novaDistributions', '/v1/distributions'));
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
