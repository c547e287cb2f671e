import { Router } from 'express';
import type { AppContext, ApiModule } from '../../core/api-module.js';
import { fail } from '../../core/errors.js';
import type { Collections } from '../../core/store/types.js';

/**
 * `POST /_sandbox/{api}/distributions/{id}/status`: hands the move to the API's own
 * `lifecycle.move`, which knows its transitions, and answers the moved object as the API shows it.
 *
 * @example
 * router.use(lifecycleRoutes(ctx, API_MODULES));
 */
export function lifecycleRoutes<D extends Collections>(ctx: AppContext<D>, modules: readonly ApiModule<D>[]): Router {
  const router = Router();
  router.post('/_sandbox/:api/distributions/:id/status', async function moveDistribution(req, res) {
    const name = String(req.params.api);
    const lifecycle = modules.find((api) => api.name === name)?.lifecycle;
    if (!lifecycle) fail({ kind: 'not_found', status: 404, message: `the ${name} API has no distribution lifecycle` });
    const { status } = req.body as { status: string };
    if (!lifecycle.statuses.includes(status)) {
      fail({ kind: 'validation', status: 400, field: 'status', message: `status must be one of: ${lifecycle.statuses.join(', ')}` });
    }
    res.status(200).json(await lifecycle.move(ctx, String(req.params.id), status));
  });
  return router;
}
