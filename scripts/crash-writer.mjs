// The writer that persistence-crash.test.ts and `npm run stress:persistence` kill -9: commits as
// fast as it can through the built FilePersistence with a tiny compaction threshold (so kills
// land mid-compaction too), printing each acknowledged change: `+id` for a put, `-id` for a
// delete, and `~id` just before a delete is committed. The last one matters to the checker: a
// delete in flight at the kill may already be durable without its `-` having been printed, and
// then an acknowledged put is gone by right (this, not the store, was the "lost batch" that
// persistence-crash.test.ts reported). Each line is in the pipe before the writer goes on
// (`acknowledge`): a line still in this process's memory dies with it. Stops by itself after MAX commits.
//
//   node scripts/crash-writer.mjs FILE ROUND [COMPACT_AFTER_BYTES] [WORKERS]
import { FilePersistence } from '../dist/backends/embedded/file-persistence.js';
import { EmbeddedStore } from '../dist/backends/embedded/embedded-store.js';
import { acknowledge } from './acknowledge.mjs';

const [file, round, compactAfter = '4096', workers = '8'] = process.argv.slice(2);
const MAX = 20000;
const store = await EmbeddedStore.open({
  fixtures: () => ({ things: {} }),
  persistence: new FilePersistence(file, { compactAfterBytes: Number(compactAfter) }),
});
process.stdout.write(`ready ${store.countNow('things')}\n`);
let committed = 0;
async function worker(w) {
  for (let i = 0; committed < MAX; i++) {
    const id = `r${round}-w${w}-${i}`;
    await store.commit((tx) => tx.put('things', id, { id, pad: 'x'.repeat(100 + (i % 50)) }));
    await acknowledge(`+${id}\n`);
    if (i % 10 === 9) {
      const gone = `r${round}-w${w}-${i - 5}`;
      await acknowledge(`~${gone}\n`);
      await store.commit((tx) => tx.delete('things', gone));
      await acknowledge(`-${gone}\n`);
    }
    committed++;
  }
}
await Promise.all(Array.from({ length: Number(workers) }, (_, w) => worker(w)));
await store.close();
