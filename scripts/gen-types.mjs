// Generates each API's TypeScript types from its OpenAPI document, so the spec stays the one
// source of truth for shapes. `--check` regenerates in memory and fails if a committed file is
// stale (run in CI through `npm run typecheck`).
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import openapiTS, { astToString } from 'openapi-typescript';
import { parse } from 'yaml';

/**
 * The keywords a schema marks `x-sandbox-enforced-by-rules` (NorCap's account-or-bank `anyOf`
 * and `not`, the `bankId` pattern) are left out of the types, as out of the request validator
 * (src/core/validation.ts, withoutRuleKeywords): the handlers receive the shape before those
 * rules run, and openapi-typescript would read the `anyOf` as a union of partial objects.
 */
function withoutRuleKeywords(node) {
  if (Array.isArray(node)) node.forEach(withoutRuleKeywords);
  else if (node && typeof node === 'object') {
    if (Array.isArray(node['x-sandbox-enforced-by-rules'])) for (const keyword of node['x-sandbox-enforced-by-rules']) delete node[keyword];
    Object.values(node).forEach(withoutRuleKeywords);
  }
  return node;
}

const BANNER = '/**\n * Generated from openapi/%API%.yaml by `npm run gen:types`. Do not edit.\n */\n\n';
const check = process.argv.includes('--check');
let stale = false;
for (const api of ['norcap', 'nova']) {
  const spec = new URL(`../openapi/${api}.yaml`, import.meta.url);
  if (!existsSync(spec)) continue;
  const out = new URL(`../src/apis/${api}/openapi.gen.ts`, import.meta.url);
  const text = BANNER.replace('%API%', api) + astToString(await openapiTS(withoutRuleKeywords(parse(readFileSync(spec, 'utf8')))));
  if (check) {
    if (!existsSync(out) || readFileSync(out, 'utf8') !== text) {
      console.error(`src/apis/${api}/openapi.gen.ts is stale: run npm run gen:types`);
      stale = true;
    }
  } else {
    writeFileSync(out, text);
  }
}
if (stale) process.exit(1);
