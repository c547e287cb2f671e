import { escapeHtml } from './html.js';
import type { CatalogSpec } from './spec-catalog.js';

/** Where the router serves swagger-ui-dist's files. */
export const ASSETS_PATH = '/docs/assets';

/**
 * `GET /docs/<name>`: Swagger UI (swagger-ui-dist, served by this server: no CDN) rendering the
 * spec from `/openapi/<name>.json`. The online validator badge is off: it would call out.
 *
 * @example
 * referencePage(specCatalog()[0]); // '<!doctype html>…SwaggerUIBundle({ url: "/openapi/nova.json"…'
 */
export function referencePage(spec: CatalogSpec): string {
  const config = {
    url: `/openapi/${spec.name}.json`,
    dom_id: '#swagger-ui',
    deepLinking: true,
    displayOperationId: true,
    validatorUrl: null,
  };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(spec.document.info.title)} · reference</title>
<link rel="stylesheet" href="${ASSETS_PATH}/swagger-ui.css">
<style>body { margin: 0; } nav { font: 14px system-ui, sans-serif; padding: .5rem 1.25rem; }</style>
</head>
<body>
<nav><a href="/">← Fund-distribution sandbox</a> · <a href="/openapi/${escapeHtml(spec.name)}.yaml">openapi/${escapeHtml(spec.name)}.yaml</a></nav>
<div id="swagger-ui"></div>
<script src="${ASSETS_PATH}/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle(${JSON.stringify(config).replace(/</g, '\\u003c')});</script>
</body>
</html>
`;
}
