// `npm run stress:persistence [-- --cycles N --seed S]`: kill -9 the crash writer (see
// crash-writer.mjs) hundreds of times at seeded moments, with a compaction every few kilobytes,
// each restart replaying what the last kill left; after each file's rounds, reopen it and
// compare what was acknowledged with what was recovered. Exits 1 on any lost acknowledged put
// or delete. Needs `npm run build` first (the npm script does it).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { lossesOf, newLedger, writeThenKill } from './crash-ledger.mjs';
import { EmbeddedStore } from '../dist/backends/embedded/embedded-store.js';
import { FilePersistence } from '../dist/backends/embedded/file-persistence.js';

const { values } = parseArgs({
  options: {
    cycles: { type: 'string', default: '300' },
    seed: { type: 'string', default: String(Date.now() % 100000) },
    'rounds-per-file': { type: 'string', default: '5' },
    'compact-after': { type: 'string', default: '2048' },
  },
});
const cycles = Number(values.cycles);
const roundsPerFile = Number(values['rounds-per-file']);
let seed = Number(values.seed);
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648); // seeded: a run can be repeated

const dir = await mkdtemp(join(tmpdir(), 'stress-persistence-'));
const totals = { cycles: 0, acknowledged: 0, lostPuts: 0, resurrectedDeletes: 0, inFlightDeletesLanded: 0, files: 0 };
try {
  for (let done = 0; done < cycles; ) {
    const file = join(dir, `file-${totals.files++}.json`);
    const ledger = newLedger();
    for (let round = 1; round <= roundsPerFile && done < cycles; round++, done++) {
      const killAfter = 1 + Math.floor(random() * 2500);
      totals.acknowledged += await writeThenKill(ledger, { file, round, killAfter, compactAfter: values['compact-after'] });
      totals.cycles++;
    }
    const store = await EmbeddedStore.open({ fixtures: () => ({ things: {} }), persistence: new FilePersistence(file) });
    const stored = new Set(Object.keys(store.data.things));
    await store.close();
    // A put whose delete was in flight at a kill may be gone by right (durable before its
    // acknowledgement): counted apart, as landed in-flight deletes, not as losses.
    const { lostPuts: lost, undoneDeletes: back, landedInFlightDeletes } = lossesOf(ledger, stored);
    totals.inFlightDeletesLanded += landedInFlightDeletes;
    totals.lostPuts += lost.length;
    totals.resurrectedDeletes += back.length;
    if (lost.length + back.length > 0) console.log(`${file}: ${lost.length} acknowledged puts lost (${lost.slice(0, 5).join(' ')}…), ${back.length} acknowledged deletes undone`);
    process.stdout.write(`\r${totals.cycles}/${cycles} kill cycles, ${totals.acknowledged} acknowledged, ${totals.lostPuts + totals.resurrectedDeletes} lost`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
console.log(`\nseed ${values.seed}: ${totals.cycles} kill -9 cycles over ${totals.files} files, compaction after ${values['compact-after']} bytes; ${totals.acknowledged} acknowledged changes, ${totals.lostPuts} acknowledged puts lost, ${totals.resurrectedDeletes} acknowledged deletes undone (and ${totals.inFlightDeletesLanded} deletes in flight at a kill had landed, as they may)`);
process.exit(totals.lostPuts + totals.resurrectedDeletes === 0 ? 0 : 1);
