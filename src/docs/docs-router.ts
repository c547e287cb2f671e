import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import express, { type RequestHandler, type Router } from 'express';
import { homePage, type MountPaths } from './home-page.js';
import { ASSETS_PATH, referencePage } from './reference-page.js';
import { specCatalog, type CatalogSpec } from './spec-catalog.js';

const swaggerUiDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/**
 * The human side of the server: `GET /` (what is served, fixtures, links), `/docs/<name>`
 * (rendered reference), `/docs/assets/*` (swagger-ui-dist, from node_modules) and the raw specs
 * at `/openapi/<name>.yaml` and `.json`. Pages are built once, on first request.
 *
 * @example
 * app.use(docsRouter(new Map([['norcap', ['/v3/custody']]])));
 */
export function docsRouter(mounts: MountPaths): Router {
  const router = express.Router();
  let home: string | undefined;
  const references = new Map<string, string>();
  const find = (name: string | undefined): CatalogSpec | undefined => specCatalog().find((spec) => spec.name === name);

  router.get('/', function docsHome(_req, res) {
    home ??= homePage(specCatalog(), mounts);
    res.type('html').send(home);
  } satisfies RequestHandler);

  router.use(ASSETS_PATH, express.static(swaggerUiDir, { index: false, maxAge: '1h' }));

  router.get('/docs/:name', function docsReference(req, res, next) {
    const spec = find(String(req.params.name));
    if (!spec) return next();
    let page = references.get(spec.name);
    if (!page) references.set(spec.name, (page = referencePage(spec)));
    res.type('html').send(page);
  } satisfies RequestHandler);

  router.get('/openapi/:file', function rawSpec(req, res, next) {
    const match = /^(.+)\.(yaml|json)$/.exec(String(req.params.file));
    const spec = find(match?.[1]);
    if (!match || !spec) return next();
    if (match[2] === 'yaml') res.type('application/yaml; charset=utf-8').send(spec.yaml);
    else res.json(spec.document);
  } satisfies RequestHandler);

  return router;
}
