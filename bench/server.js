// A sandbox for the benchmark, in its own process so the load generator does not share its
// event loop: `node bench/server.js --records 10000 [--data FILE]`. Prints its URL, then
// serves until SIGTERM. Uses the built package (`npm run build`), as a library user would.
import { parseArgs } from 'node:util';
import { createSandbox } from '../dist/index.js';

const { values } = parseArgs({ options: { records: { type: 'string', default: '0' }, data: { type: 'string' } } });
const records = Number(values.records);
const options = { seed: 1, quiet: true, data: values.data };

let sandbox = await createSandbox(options);
await preload(sandbox, records);
if (values.data) {
  // Restart on the file, as a real server would be: 10k records in the snapshot, empty journal.
  await sandbox.stop();
  sandbox = await createSandbox(options);
}
const url = await sandbox.start(0);
process.stdout.write(`bench sandbox listening on ${url} with ${sandbox.store.count('norcapDistributions')} distributions\n`);
process.once('SIGTERM', () => void sandbox.stop().then(() => process.exit(0)));

/** Stores `count` distributions of the fixture credential, 100 per transaction. */
async function preload(sb, count) {
  const timestamp = '2024-04-20 12:00:00';
  for (let done = 0; done < count; done += 100) {
    await sb.store.commit((tx) => {
      for (let i = done; i < Math.min(count, done + 100); i++) {
        const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
        tx.put('norcapDistributions', id, {
          owner: 'sandbox',
          distribution: {
            id,
            submissionId: id,
            brokerageAccountId: 'NC95156',
            amountCents: 1000 + i,
            status: 'pending',
            accountId: 'A1234567890',
            bankId: null,
            bankAccountId: null,
            transactionType: null,
            transactionMemo: `preloaded ${i}`,
            createdAt: timestamp,
            updatedAt: timestamp,
          },
        });
      }
    });
  }
}
