import { Router } from 'express';
import { fail } from '../../core/errors.js';
import type { FaultBook, FaultSpec } from '../faults.js';

/**
 * `GET|POST|DELETE /_sandbox/faults`, `DELETE /_sandbox/faults/{faultId}`.
 *
 * @example
 * router.use(faultRoutes(faults));
 */
export function faultRoutes(faults: FaultBook): Router {
  const router = Router();
  router.get('/_sandbox/faults', async function listFaults(_req, res) {
    res.status(200).json({ faults: await faults.list() });
  });
  router.post('/_sandbox/faults', async function createFault(req, res) {
    res.status(201).json(await faults.add(req.body as FaultSpec));
  });
  router.delete('/_sandbox/faults', async function clearFaults(_req, res) {
    await faults.clear();
    res.status(204).end();
  });
  router.delete('/_sandbox/faults/:faultId', async function deleteFault(req, res) {
    const id = String(req.params.faultId);
    if (!(await faults.delete(id))) fail({ kind: 'not_found', status: 404, message: `no fault '${id}' is armed` });
    res.status(204).end();
  });
  return router;
}
