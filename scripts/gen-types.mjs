// Generates each API's TypeScript types from its OpenAPI document, so the spec stays the one
// source of truth for shapes. `--check` regenerates in memory and fails if a committed file is
// stale (run in CI through `npm run typecheck`).
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import openapiTS, { astToString } from 'openapi-typescript';

const BANNER = '/**\n * Generated from openapi/%API%.yaml by `npm run gen:types`. Do not edit.\n */\n\n';
const check = process.argv.includes('--check');
let stale = false;
for (const api of ['norcap', 'nova']) {
  const spec = new URL(`../openapi/${api}.yaml`, import.meta.url);
  if (!existsSync(spec)) continue;
  const out = new URL(`../src/apis/${api}/openapi.gen.ts`, import.meta.url);
  const text = BANNER.replace('%API%', api) + astToString(await openapiTS(spec));
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
