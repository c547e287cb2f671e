import type { RequestHandler, Response } from 'express';
import type { RenderedError } from '../api-module.js';
import type { Failure } from '../errors.js';
import { ResponseContract } from './responses.js';
import { specPath, type ApiName } from './spec.js';

/** What strict mode needs of an API: its spec's name and how it renders a failure. */
export interface StrictApi {
  name: ApiName;
  renderError(failure: Failure, request?: { path: string }): RenderedError;
}

/**
 * `--strict`: every JSON body an API sends is checked against its spec before it leaves. A
 * response the spec does not allow (an undocumented status, a body off its schema) is replaced
 * by a 500 in the API's own envelope naming the violation, so drift between a handler and its
 * spec fails loudly in CI instead of reaching a client. Requests to routes the spec does not
 * document (404 / 405 answers) have no contract and pass unchanged.
 *
 * The failure is a `rule` (its message is shown as given, by every API) with code
 * `contract_violation`.
 *
 * @example
 * router.use(strictResponses(norcapApi)); // before the API's own routes
 */
export function strictResponses(api: StrictApi): RequestHandler {
  const contract = ResponseContract.for(api.name);
  const specFile = specPath(api.name).split('/').slice(-2).join('/');
  return function checkResponses(req, res, next) {
    const { path, operation } = res.locals.request; // resolved once, at the door
    if (!operation) return next();
    const send = res.json.bind(res) as Response['json'];
    res.json = function jsonChecked(body: unknown) {
      const check = contract.check(req.method, path, res.statusCode, body, String(res.get('Content-Type') ?? 'application/json'));
      if (check.ok) return send(body);
      const rendered = api.renderError(
        {
          kind: 'rule',
          status: 500,
          code: 'contract_violation',
          message: `Internal server error: the sandbox's response breaks ${specFile} (strict mode): ${check.problems.join('; ')}`,
        },
        { path },
      );
      res.locals.request.contractViolation = check.problems;
      if (rendered.headers) res.set(rendered.headers);
      res.status(rendered.status);
      return send(rendered.body);
    };
    next();
  };
}
