import { Router } from 'express';
import type { JournalFilter, RequestJournal } from '../journal.js';

/**
 * `GET|DELETE /_sandbox/requests` (with `--database`, every instance's requests). The query was checked against openapi/sandbox.yaml; express
 * re-parses `req.query` on every read, so numbers are converted here.
 *
 * @example
 * router.use(journalRoutes(journal)); // GET /_sandbox/requests?api=norcap&status=400&limit=5
 */
export function journalRoutes(journal: RequestJournal): Router {
  const router = Router();
  router.get('/_sandbox/requests', async function listRequests(req, res) {
    const query = req.query as Record<string, string | undefined>;
    const filter: JournalFilter = {};
    if (query.api !== undefined) filter.api = query.api as JournalFilter['api'];
    if (query.path !== undefined) filter.path = query.path;
    if (query.status !== undefined) filter.status = Number(query.status);
    if (query.limit !== undefined) filter.limit = Number(query.limit);
    await journal.sync(); // shared (--database): what every instance served, this one's last batch included
    res.status(200).json({ ...journal.list(filter), capacity: journal.capacity });
  });
  router.delete('/_sandbox/requests', async function clearRequests(_req, res) {
    journal.clear();
    await journal.sync(); // shared: cleared for every instance before the answer
    res.status(204).end();
  });
  return router;
}
