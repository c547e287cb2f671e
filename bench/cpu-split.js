// CPU each party used during a load, read from /proc (Linux): the server's process, the
// database's (every process whose command line starts with `postgres`: its backends and
// helpers) and the bench's own (autocannon). On a machine whose two cores all three share, it
// says which one the throughput waits for; elsewhere (no /proc) it reports nothing.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux this runs on

function ticksOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return undefined;
  }
}

function databasePids() {
  const pids = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('postgres')) pids.push(pid);
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

function snapshot(serverPid) {
  const database = new Map(databasePids().map((pid) => [pid, ticksOf(pid) ?? 0]));
  return { server: ticksOf(serverPid), database, bench: ticksOf(process.pid) };
}

/**
 * Runs `work` (one measured load) and resolves `{ result, cpu }`: `cpu` the CPU seconds the
 * server, the database and the bench used meanwhile and the server's and database's ms per
 * request (null without /proc).
 */
export async function withCpuSplit(serverPid, work) {
  const before = snapshot(serverPid);
  const result = await work();
  const after = snapshot(serverPid);
  if (before.server === undefined || after.server === undefined) return { result, cpu: null };
  let database = 0;
  for (const [pid, ticks] of after.database) database += ticks - (before.database.get(pid) ?? 0);
  const seconds = (ticks) => +(ticks / TICKS_PER_SECOND).toFixed(2);
  const perRequest = (ticks) => +((ticks / TICKS_PER_SECOND / Math.max(1, result.requests)) * 1000).toFixed(2);
  const server = after.server - before.server;
  return {
    result,
    cpu: { server: seconds(server), database: seconds(database), bench: seconds(after.bench - before.bench), serverMsPerRequest: perRequest(server), databaseMsPerRequest: perRequest(database) },
  };
}
