// What a crash writer (crash-writer.mjs) acknowledged before its kill -9, and what a recovered
// state may and may not lack: shared by persistence-crash.test.ts and stress-persistence.mjs.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const WRITER = fileURLToPath(new URL('crash-writer.mjs', import.meta.url));

/** An empty ledger: acknowledged puts, acknowledged deletes, deletes begun and not acknowledged. */
export function newLedger() {
  return { present: new Set(), deleted: new Set(), deleting: new Set() };
}

/**
 * Runs the writer on `file` until it has acknowledged `killAfter` changes, kill -9s it, and
 * resolves with how many it acknowledged; rejects when it ended any other way.
 */
export async function writeThenKill(ledger, { file, round, killAfter, compactAfter = '4096' }) {
  const child = spawn(process.execPath, [WRITER, file, String(round), String(compactAfter)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(child, 'close');
  let acknowledged = 0;
  for await (const line of createInterface({ input: child.stdout })) {
    const id = line.slice(1);
    if (line.startsWith('~')) {
      ledger.deleting.add(id); // a delete begun: it may land without its acknowledgement
      continue;
    }
    if (line.startsWith('+')) ledger.present.add(id);
    else if (line.startsWith('-')) {
      ledger.present.delete(id);
      ledger.deleting.delete(id);
      ledger.deleted.add(id);
    } else continue;
    if (++acknowledged === killAfter) child.kill('SIGKILL');
  }
  const [code, signal] = await exited;
  if (signal !== 'SIGKILL') throw new Error(`the writer ended with ${code ?? signal} before its kill`);
  return acknowledged;
}

/**
 * What `stored` (the recovered ids) breaks of the ledger: acknowledged puts missing, unless their
 * delete was in flight at a kill (durable before acknowledged, so it may have landed), and
 * acknowledged deletes undone; and how many in-flight deletes did land.
 */
export function lossesOf(ledger, stored) {
  return {
    lostPuts: [...ledger.present].filter((id) => !stored.has(id) && !ledger.deleting.has(id)),
    undoneDeletes: [...ledger.deleted].filter((id) => stored.has(id)),
    landedInFlightDeletes: [...ledger.deleting].filter((id) => !stored.has(id)).length,
  };
}
