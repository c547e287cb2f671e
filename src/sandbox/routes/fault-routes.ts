import { Router } from 'express';
import { fail } from '../../core/errors.js';
import type { FaultRegistry, FaultSpec } from '../faults.js';

/**
 * `GET|POST|DELETE /_sandbox/faults`, `DELETE /_sandbox/faults/{faultId}`.
 *
 * @example
 * router.use(faultRoutes(faults));
 */
export function faultRoutes(faults: FaultRegistry): Router {
  const router = Router();
  router.get('/_sandbox/faults', function listFaults(_req, res) {
    res.status(200).json({ faults: faults.list() });
  });
  router.post('/_sandbox/faults', function createFault(req, res) {
    res.status(201).json(faults.add(req.body as FaultSpec));
  });
  router.delete('/_sandbox/faults', function clearFaults(_req, res) {
    faults.clear();
    res.status(204).end();
  });
  router.delete('/_sandbox/faults/:faultId', function deleteFault(req, res) {
    const id = String(req.params.faultId);
    if (!faults.delete(id)) fail({ kind: 'not_found', status: 404, message: `no fault '${id}' is armed` });
    res.status(204).end();
  });
  return router;
}
