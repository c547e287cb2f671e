import { lingerAfterAnswer } from './linger.js';
import type { ErrorRequestHandler, Response } from 'express';
import type { RenderedError } from '../api-module.js';
import { toFailure, type Failure } from '../errors.js';

/**
 * The end of a pipeline: whatever was thrown becomes a `Failure`, noted on the request's state
 * (the journal and the log read it), and `render` turns it into that pipeline's own envelope.
 * A renderer that throws still answers, with a plain problem 500: never a hang or a stack. A
 * failure raised before the door resolved the request (the workspace door runs first) gets a
 * state of its own here, so it is rendered, not passed to express's HTML error page.
 *
 * @example
 * router.use(renderFailures((failure, path) => renderNovaError(failure, { path })));
 */
export function renderFailures(render: (failure: Failure, path: string) => RenderedError): ErrorRequestHandler {
  return function renderFailure(error, req, res, _next) {
    const failure = toFailure(error);
    res.locals.request ??= { api: null, operation: undefined, path: req.path };
    const state = res.locals.request;
    state.failure = failure;
    if (failure.kind === 'internal') state.internalError = error;
    if (res.headersSent) return;
    let rendered: RenderedError;
    try {
      rendered = render(failure, state.path);
    } catch (renderError) {
      state.internalError = renderError;
      sendPlain500(res);
      return;
    }
    if (rendered.headers) res.set(rendered.headers);
    // Refused before its body was read (401 first, a body announced over the limit): the client
    // may still be sending it, or stall. Close the connection after the answer instead of
    // reading on, lingering just long enough for a client still sending to read the answer.
    if (!req.complete) {
      res.set('Connection', 'close');
      lingerAfterAnswer(req);
    }
    res.status(rendered.status).json(rendered.body);
  };
}

function sendPlain500(res: Response): void {
  res.status(500).type('application/problem+json').send(JSON.stringify({ type: 'about:blank', title: 'Internal Server Error', status: 500, detail: 'internal error' }));
}
