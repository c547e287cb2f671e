import { fixtureTables } from './fixture-tables.js';
import { escapeHtml, firstParagraph, inlineMarkdown } from './html.js';
import { operationsOf, type CatalogSpec } from './spec-catalog.js';
import { workspaceSignup } from './workspace-signup.js';

/** Where each mocked API is mounted, from the app's API modules (`/v3/custody`, …). */
export type MountPaths = ReadonlyMap<string, readonly string[]>;

/**
 * `GET /`: one section per spec in `openapi/` with its title, version and summary (from the
 * spec), how to authenticate (its security schemes' descriptions), its operations, links to the
 * rendered reference and the raw spec, and its fixtures (from `fixtures/<name>.json`).
 *
 * @example
 * const html = homePage(specCatalog(), new Map([['norcap', ['/v3/custody']]]));
 */
export function homePage(specs: readonly CatalogSpec[], mounts: MountPaths): string {
  const sections = specs.map((spec) => section(spec, mounts.get(spec.name))).join('\n');
  const toc = specs.map((spec) => `<li><a href="#${escapeHtml(spec.name)}">${escapeHtml(spec.document.info.title)}</a></li>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Fund-distribution sandbox</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>Fund-distribution sandbox</h1>
<p>A stateful mock and contract-test server. Every request is validated against the OpenAPI
documents below, every response follows them, and what you create you can read back.
<a href="/healthz"><code>GET /healthz</code></a> answers 200 once the server is ready.</p>
<ul class="toc">${toc}</ul>
</header>
<main>
${workspaceSignup()}
${sections}
</main>
</body>
</html>
`;
}

function section(spec: CatalogSpec, mountPaths: readonly string[] | undefined): string {
  const { info } = spec.document;
  const name = escapeHtml(spec.name);
  const schemes = Object.values((spec.document.components?.securitySchemes ?? {}) as Record<string, { description?: string }>)
    .map((scheme) => scheme.description)
    .filter((description): description is string => Boolean(description))
    .map((description) => `<li>${inlineMarkdown(firstParagraph(description))}</li>`)
    .join('');
  const operations = operationsOf(spec.document)
    .map((op) => `<tr><td class="method">${escapeHtml(op.method)}</td><td><code>${escapeHtml(op.path)}</code></td><td>${escapeHtml(op.summary ?? '')}</td><td><code>${escapeHtml(op.operationId ?? '')}</code></td></tr>`)
    .join('\n');
  const fixtures = fixtureTables(spec.name);
  return `<section id="${name}" data-api="${name}">
<h2>${escapeHtml(info.title)} <span class="version">${escapeHtml(info.version)}</span></h2>
<p>${inlineMarkdown(firstParagraph(info.description))}</p>
${mountPaths ? `<p>Served under ${mountPaths.map((p) => `<code>${escapeHtml(p)}</code>`).join(', ')} on this server.</p>` : ''}
<p class="links"><a class="reference" href="/docs/${name}">Reference (rendered)</a>
· <a href="/openapi/${name}.yaml">openapi/${name}.yaml</a>
· <a href="/openapi/${name}.json">JSON</a></p>
${schemes ? `<h3>Authentication</h3><ul>${schemes}</ul>` : ''}
<h3>Operations</h3>
<table class="operations"><thead><tr><th>method</th><th>path</th><th>summary</th><th>operationId</th></tr></thead><tbody>
${operations}
</tbody></table>
${fixtures ? `<h3>Fixtures</h3>\n${fixtures}` : ''}
</section>`;
}

const STYLE = `
body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 72rem; padding: 1rem 2rem; color: #1b1f24; }
h1 { margin-bottom: .25rem; } h2 { border-top: 1px solid #d0d7de; padding-top: 1.5rem; margin-top: 2rem; }
.version { font-size: .6em; color: #57606a; font-weight: normal; }
code { font: 13px ui-monospace, monospace; background: #f6f8fa; padding: 0 .25em; border-radius: 3px; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: 14px; }
th, td { border: 1px solid #d0d7de; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; } td.method { font-weight: 600; }
.links a.reference { font-weight: 600; } .none { color: #8c959f; } .generated { color: #57606a; }
`;
