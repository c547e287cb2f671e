import { Router } from 'express';
import type { SandboxClock } from '../../core/clock.js';
import { clearsWritten } from '../shared-journal.js';

/** What `GET /_sandbox/clock` answers. */
export interface ClockState {
  now: string;
  offset_seconds: number;
  frozen: boolean;
}

export function clockState(clock: SandboxClock): ClockState {
  return { now: clock.now().toISOString(), offset_seconds: clock.offsetSeconds, frozen: clock.frozen };
}

/**
 * `POST /_sandbox/reset`, `GET /_sandbox/clock`, `POST /_sandbox/clock/advance`. Bodies were
 * checked against openapi/sandbox.yaml before these run.
 *
 * @example
 * router.use(stateRoutes({ clock, reset, advanceClock }));
 */
export function stateRoutes(deps: { clock: SandboxClock; reset(): Promise<void>; advanceClock(seconds: number): Promise<Date> }): Router {
  const router = Router();
  router.post('/_sandbox/reset', async function resetSandbox(_req, res) {
    await deps.reset();
    await clearsWritten(); // --database: the journal and coverage are cleared for every instance before the answer
    res.status(200).json({ reset: true, clock: clockState(deps.clock) });
  });
  router.get('/_sandbox/clock', function getClock(_req, res) {
    res.status(200).json(clockState(deps.clock));
  });
  router.post('/_sandbox/clock/advance', async function advanceClock(req, res) {
    await deps.advanceClock((req.body as { seconds: number }).seconds);
    res.status(200).json(clockState(deps.clock));
  });
  return router;
}
