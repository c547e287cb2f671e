// Part of `npm run build`: each openapi/<api>.yaml parsed once, into dist/specs/<api>.json with
// the SHA-256 of the YAML it came from. The server reads that JSON at start (YAML parsing was
// a third of its start-up) and falls back to the YAML whenever the hash no longer matches, so
// openapi/ stays the one truth and a stale dist/ can never serve an old spec.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';

const root = new URL('../', import.meta.url);
mkdirSync(new URL('dist/specs/', root), { recursive: true });
for (const file of readdirSync(new URL('openapi/', root)).filter((f) => f.endsWith('.yaml'))) {
  const text = readFileSync(new URL(`openapi/${file}`, root), 'utf8');
  const sha256 = createHash('sha256').update(text).digest('hex');
  writeFileSync(new URL(`dist/specs/${file.replace(/\.yaml$/, '.json')}`, root), JSON.stringify({ sha256, document: parse(text) }));
}
