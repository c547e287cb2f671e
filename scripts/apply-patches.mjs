// postinstall: applies patches/ (patch-package) in a checkout of this project. Installed as a
// dependency of another project, neither patch-package nor patches/ is there: nothing to do,
// and the unpatched validator behaves the same, only slower (see patches/README.md).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let bin;
try {
  bin = require.resolve('patch-package/index.js');
} catch {
  process.exit(0);
}
if (!existsSync(new URL('../patches', import.meta.url))) process.exit(0);
const run = spawnSync(process.execPath, [bin, '--error-on-fail'], { stdio: 'inherit' });
process.exit(run.status ?? 1);
