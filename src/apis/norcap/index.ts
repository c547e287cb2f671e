import { Router } from 'express';
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
  renderError: renderNorcapError,
  lifecycle: norcapLifecycle,
  router(ctx) {
    const router = Router();
    router.use(norcapAuth(ctx.store));
    router.get('/v3/custody/distributions', literalQueryKeys('norcap', 'get', '/v3/custody/distributions'));
    router.use(requestValidation('norcap'));
    router.post('/v3/custody/distributions', createDistributions(ctx));
    router.get('/v3/custody/distributions', listDistributions(ctx));
    router.get('/v3/custody/distributions/:distributionId', getDistribution(ctx));
    return router;
  },
};
