import { Router } from 'express';
import { jsonBody } from '../../core/pipeline/body.js';
import type { ApiModule } from '../../core/api-module.js';
import { literalQueryKeys, requestValidation } from '../../core/validation.js';
import { norcapAuth } from './auth.js';
import { createDistributions } from './create-distributions.js';
import { renderNorcapError } from './envelope.js';
import { norcapFixtures } from './fixtures.js';
import { norcapLifecycle } from './lifecycle.js';
import { getDistribution, listDistributions } from './read-distributions.js';
import type { NorcapData } from './types.js';

/** The NorCap custody distributions API (`openapi/norcap.yaml`). */
export const norcapApi: ApiModule<NorcapData> = {
  name: 'norcap',
  mountPaths: ['/v3/custody'],
  fixtures: norcapFixtures,
  // Lists read a credential's distributions in creation order; accounts are looked up by id only.
  schemas: { norcapDistributions: { owner: (record) => record.owner } },
  renderError: renderNorcapError,
  lifecycle: norcapLifecycle,
  // Credentials first: a client without them gets 401 whatever its body, and its body is
  // never read. Then the body, the spec, the handler.
  router(ctx, { bodyLimit }) {
    const router = Router();
    router.use(norcapAuth(ctx.store));
    router.use(jsonBody(bodyLimit));
    router.get('/v3/custody/distributions', literalQueryKeys('norcap', 'get', '/v3/custody/distributions'));
    router.use(requestValidation('norcap'));
    router.post('/v3/custody/distributions', createDistributions(ctx));
    router.get('/v3/custody/distributions', listDistributions(ctx));
    router.get('/v3/custody/distributions/:distributionId', getDistribution(ctx));
    return router;
  },
};
