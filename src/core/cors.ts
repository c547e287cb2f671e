import cors from 'cors';
import type { RequestHandler } from 'express';

/** What a browser page may send to the mocked APIs: the headers their specs use. */
export const CORS_ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Organization-Id'];
/** Response headers a page may read besides the CORS-safelisted ones. */
export const CORS_EXPOSED_HEADERS = ['Idempotent-Replayed', 'Retry-After', 'WWW-Authenticate'];
/** Every method the mocked APIs answer (HEAD is GET without a body). */
export const CORS_METHODS = ['GET', 'HEAD', 'POST'];

/**
 * CORS for the mocked APIs, on by default as a mock server should be (Prism does the same): any
 * origin, the APIs' methods and headers, and a preflight `OPTIONS` answered 204 right here,
 * before faults, authentication and validation could refuse it. Credentials are headers
 * (`Authorization`), never cookies, so `*` is safe and no origin is reflected.
 *
 * It is the first step of each API's pipeline (`apiPipeline`), so only the mocked APIs get CORS:
 * the `/_sandbox` controls never do (a page on another origin must not steer the sandbox), nor
 * `/healthz` or the docs pages. A preflight is marked on the request's state: the journal and
 * coverage leave it out (it is the browser's question, not an API call). Built on the `cors`
 * package rather than hand-set headers.
 *
 * @example
 * router.use(apiCors());
 */
export function apiCors(): RequestHandler {
  const handler = cors({
    origin: '*',
    methods: CORS_METHODS,
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    optionsSuccessStatus: 204,
  });
  const exposed = CORS_EXPOSED_HEADERS.join(',');
  return function corsForApis(req, res, next) {
    // Only a real preflight (Fetch: OPTIONS with Access-Control-Request-Method) is answered here;
    // a plain OPTIONS goes on to the API, which answers 405 with `Allow` as before.
    if (req.method !== 'OPTIONS' || req.headers['access-control-request-method'] === undefined) {
      // Every other request: the two headers the cors package would set for origin '*' (it adds
      // no Vary then), set directly, so CORS costs two header writes on the request path.
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Access-Control-Expose-Headers', exposed);
      return next();
    }
    res.locals.request.preflight = true;
    return handler(req, res, next);
  };
}
