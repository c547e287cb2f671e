// Child process for persistence-crash.test.ts: commits as fast as it can through the built
// FilePersistence with a tiny compaction threshold (so kills land mid-compaction too), printing
// each acknowledged change: `+id` for a put, `-id` for a delete. Stops by itself after MAX.
import { FilePersistence } from '../../dist/core/store/file-persistence.js';
import { EmbeddedStore } from '../../dist/core/store/embedded-store.js';

const [file, round] = process.argv.slice(2);
const MAX = 20000;
const store = await EmbeddedStore.open({
  fixtures: () => ({ things: {} }),
  persistence: new FilePersistence(file, { compactAfterBytes: 4096 }),
});
process.stdout.write(`ready ${store.countNow('things')}\n`);
let committed = 0;
async function worker(w) {
  for (let i = 0; committed < MAX; i++) {
    const id = `r${round}-w${w}-${i}`;
    await store.commit((tx) => tx.put('things', id, { id, pad: 'x'.repeat(100 + (i % 50)) }));
    process.stdout.write(`+${id}\n`);
    if (i % 10 === 9) {
      const gone = `r${round}-w${w}-${i - 5}`;
      await store.commit((tx) => tx.delete('things', gone));
      process.stdout.write(`-${gone}\n`);
    }
    committed++;
  }
}
await Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)));
await store.close();
