import bytes from 'bytes';
import express, { type RequestHandler } from 'express';
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
  return [refuseDeclaredOversize(limit), express.json({ limit, type: JSON_MEDIA_TYPES })];
}
