import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { fail } from '../errors.js';
import { OperationIndex } from '../contract/operations.js';

/** One named step of a pipeline: express's middleware signature, so any middleware is one. */
export type Step = RequestHandler;

/**
 * Runs `steps` in order as one handler: one `next` that moves an index along a list, where
 * express would stack a router per level and a layer per `use`. A step that throws, rejects or
 * passes an error ends the line at `onError` (the API's envelope); the last step's `next()`
 * leaves the pipeline (`done`). Reading the list top to bottom is reading the request's path.
 * With `again`, an error it names sends the request back to one step instead (once), as a
 * request that ran on a stale copy of the shared state is (`AssumedSharedState`).
 *
 * @example
 * const handler = inOrder([authenticate, readBody, validate, dispatch], renderErrors);
 */
export function inOrder(steps: readonly Step[], onError: ErrorRequestHandler, again?: RunAgain): RequestHandler {
  const againAt = again ? steps.indexOf(again.from) : -1;
  if (again && againAt < 0) throw new Error('inOrder: the step to run again from is not in the list');
  return function pipeline(req: Request, res: Response, done: NextFunction) {
    let index = 0;
    let ranAgain = false;
    const failed = (error: unknown): void => {
      if (again && !ranAgain && again.when(error)) {
        ranAgain = true;
        index = againAt;
        return next();
      }
      try {
        onError(error, req, res, done);
      } catch (rendering) {
        done(rendering);
      }
    };
    const next = (error?: unknown): void => {
      if (error !== undefined && error !== null) return failed(error);
      const step = steps[index++];
      if (!step) return done();
      runStep(step, req, res, next, failed);
    };
    next();
  };
}

/**
 * When a step's error means "run the request again from `from`" rather than "answer it"
 * (`when`): once per request; a second such error is answered as any other.
 */
export interface RunAgain {
  from: Step;
  when: (error: unknown) => boolean;
}

/**
 * The `onError` of a list of steps that has no envelope of its own: the error goes on to the
 * caller's `next`, as it would out of a Router (the app's renderer answers it).
 *
 * @example
 * app.use(inOrder([capture, door, timeline], passErrorOn));
 */
export const passErrorOn: ErrorRequestHandler = function passErrorOn(error, _req, _res, next) {
  next(error);
};

/**
 * Calls one step as express would: a throw or a rejected promise goes to `failed` (by default
 * `next`, as an error). For a step that calls another step from a callback of its own.
 *
 * @example
 * runStep(current().control.injectFaults, req, res, next);
 */
export function runStep(step: Step, req: Request, res: Response, next: NextFunction, failed: (error: unknown) => void = next): void {
  try {
    const running = step(req, res, next) as unknown;
    if (running instanceof Promise) running.then(undefined, failed);
  } catch (thrown) {
    failed(thrown);
  }
}

/**
 * The handler step: calls the handler of the operation the door resolved (`res.locals.request`),
 * with the operation's path parameters in `req.params`; no second routing. An operation
 * without a handler here (none today: the handler tables are typed by the specs' operation ids)
 * is a 404 in the API's envelope.
 *
 * @example
 * byOperation<keyof operations>({ createDistributions: create, listDistributions: list, getDistribution: get });
 */
export function byOperation<Id extends string>(handlers: Record<Id, Step>): Step {
  const table = new Map<string, Step>(Object.entries(handlers) as [string, Step][]);
  return function dispatchOperation(req, res, next) {
    const operation = res.locals.request.operation;
    const handler = operation && table.get(operation.operationId);
    if (!operation || !handler) fail({ kind: 'not_found', status: 404, message: 'no such route' });
    req.params = OperationIndex.for(operation.api).parametersOf(operation, req.path);
    return handler(req, res, next);
  };
}
