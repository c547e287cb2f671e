import { Router } from 'express';
import type { CoverageTracker } from '../coverage.js';

/**
 * `GET /_sandbox/coverage` (`?format=text` for the table).
 *
 * @example
 * router.use(coverageRoutes(coverage));
 */
export function coverageRoutes(coverage: CoverageTracker): Router {
  const router = Router();
  router.get('/_sandbox/coverage', async function getCoverage(req, res) {
    await coverage.sync(); // shared (--database): every instance's counts
    if (req.query.format === 'text') res.status(200).type('text/plain').send(coverage.table());
    else res.status(200).json(coverage.report());
  });
  return router;
}
