import bytes from 'bytes';
import express, { type Request, type RequestHandler, type Response } from 'express';
import { fail, type Failure } from '../errors.js';
import { JSON_MEDIA_TYPES } from '../validation.js';

/**
 * Refuses a body whose `Content-Length` already says it is over `limit`, before a byte of it is
 * read. body-parser alone would drain the whole announced body before answering 413, and a
 * client that stalls after its headers would hold the request open meanwhile; the error
 * handler closes the connection of a request whose body was not read.
 *
 * @example
 * router.use(refuseDeclaredOversize('1mb'));
 */
export function refuseDeclaredOversize(limit: string): RequestHandler {
  const over = declaredOver(limit);
  return function refuseDeclaredOversize(req, _res, next) {
    if (over(req)) fail(BODY_TOO_LARGE);
    next();
  };
}

/** The failure of a body over the limit, announced or read. */
export const BODY_TOO_LARGE = { kind: 'body_too_large', status: 413, message: 'request body is too large' } as const satisfies Failure;

/**
 * Whether a request's `Content-Length` already says its body is over `limit`.
 *
 * @example
 * if (declaredOver('1mb')(req)) return next(new ApiFailure(BODY_TOO_LARGE));
 */
export function declaredOver(limit: string): (req: { headers: { 'content-length'?: string | undefined } }) => boolean {
  const max = bytes.parse(limit) ?? Infinity;
  return (req) => {
    const declared = req.headers['content-length'];
    return declared !== undefined && Number(declared) > max;
  };
}

/**
 * The JSON body step of a pipeline: an announced oversize body is refused at once, then
 * body-parser reads JSON (and `+json`) media types up to `limit`.
 *
 * @example
 * router.use(jsonBody('1mb'));
 */
export function jsonBody(limit: string): RequestHandler[] {
  const parse = jsonParser(limit);
  return [
    refuseDeclaredOversize(limit),
    function parseJsonBody(req, res, next) {
      const ahead = res.locals.request.bodyAhead;
      if (!ahead) return parse(req, res, next);
      next(ahead.error); // read before the faults step (`readBodyAhead`): its failure is answered here, in its place
    },
  ];
}

function jsonParser(limit: string): RequestHandler {
  return express.json({ limit, type: JSON_MEDIA_TYPES });
}

/**
 * Reads the JSON body of a request `wanted` says the read-ahead needs it for (a keyed create,
 * whose claim needs its fingerprint), before the faults step, so that what it reads can come in
 * the shared state's one statement. A failure is kept, not answered: `jsonBody` answers it in
 * its place, so a request still hears 401 before any body error. A body announced over `limit`
 * is left alone (`jsonBody` refuses it unread).
 *
 * @example
 * steps.unshift(readBodyAhead('1mb', (req) => req.method === 'POST'));
 */
export function readBodyAhead(limit: string, wanted: (req: Request, res: Response) => boolean): RequestHandler {
  const parse = jsonParser(limit);
  const over = declaredOver(limit);
  return function readBodyAhead(req, res, next) {
    if (!wanted(req, res) || over(req)) return next();
    parse(req, res, (error?: unknown) => {
      res.locals.request.bodyAhead = { error };
      next();
    });
  };
}
