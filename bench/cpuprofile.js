// Summarizes a V8 .cpuprofile (`node --cpu-prof`): where the self time goes, by function and by
// package, and the project's own functions by inclusive time (what each costs with its callees).
//   node bench/cpuprofile.js FILE.cpuprofile [--skip-ms N] [--top N]
// `--skip-ms` drops the first N ms of the profile (start-up and seeding before the load).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** Where a frame's code lives: a package, node's internals, the project's own files, or V8. */
function place(url) {
  if (!url) return 'v8 / native';
  if (url.startsWith('node:')) return 'node internals';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const own = /\/(dist|src|bench)\/(.*)$/.exec(url);
  if (own) return `${own[1]}/${own[2]}`;
  return url;
}

function shortUrl(url) {
  if (!url) return '';
  const pkg = /node_modules\/(.*)$/.exec(url);
  if (pkg) return pkg[1];
  const own = /\/((?:dist|src|bench)\/.*)$/.exec(url);
  return own ? own[1] : url.replace(/^file:\/\//, '');
}

/**
 * `{ totalMs, idleMs, byFunction, byPlace, ownInclusive }`, each list `[{ name, ms, share }]`
 * sorted by time, `share` of the busy (non-idle) time.
 */
export function summarize(profile, { skipMs = 0 } = {}) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  const inclusive = new Map();
  let t = profile.startTime;
  const from = profile.startTime + skipMs * 1000;
  let total = 0;
  let idle = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    t += delta;
    if (t < from) continue;
    const node = nodes.get(profile.samples[i]);
    if (!node) continue;
    total += delta;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idle += delta;
      continue;
    }
    const key = `${functionName || '(anonymous)'}${url ? ` ${shortUrl(url)}:${lineNumber + 1}` : ''}`;
    const where = functionName === '(garbage collector)' ? 'garbage collector' : functionName === '(program)' ? '(program)' : place(url);
    const entry = self.get(key) ?? { name: key, place: where, us: 0 };
    entry.us += delta;
    self.set(key, entry);
    // Inclusive time of the project's own functions (each counted once per sample).
    const seen = new Set();
    for (let id = node.id; id !== undefined; id = parent.get(id)) {
      const frame = nodes.get(id).callFrame;
      if (!/\/(dist|src)\//.test(frame.url) || /node_modules/.test(frame.url)) continue;
      const name = `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + delta);
    }
  }
  const busy = total - idle || 1;
  const list = (entries) => entries.map(([name, us]) => ({ name, ms: us / 1000, share: us / busy })).sort((a, b) => b.ms - a.ms);
  const byPlace = new Map();
  for (const e of self.values()) byPlace.set(e.place, (byPlace.get(e.place) ?? 0) + e.us);
  return {
    totalMs: total / 1000,
    idleMs: idle / 1000,
    byFunction: list([...self.values()].map((e) => [`${e.name}`, e.us])),
    byPlace: list([...byPlace]),
    ownInclusive: list([...inclusive]),
  };
}

const pct = (x) => `${(x * 100).toFixed(1).padStart(5)}%`;

export function format(summary, top = 25) {
  const lines = [`profiled ${summary.totalMs.toFixed(0)} ms, idle ${summary.idleMs.toFixed(0)} ms (shares below are of the busy time)`, '', 'self time by place:'];
  for (const e of summary.byPlace.slice(0, 15)) lines.push(`  ${pct(e.share)}  ${e.name}`);
  lines.push('', `top ${top} functions by self time:`);
  for (const e of summary.byFunction.slice(0, top)) lines.push(`  ${pct(e.share)}  ${e.name}`);
  lines.push('', "the project's own functions by inclusive time (with their callees):");
  for (const e of summary.ownInclusive.slice(0, top)) lines.push(`  ${pct(e.share)}  ${e.name}`);
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'skip-ms': { type: 'string', default: '0' }, top: { type: 'string', default: '25' } } });
  if (positionals.length !== 1) {
    console.error('usage: node bench/cpuprofile.js FILE.cpuprofile [--skip-ms N] [--top N]');
    process.exit(2);
  }
  const profile = JSON.parse(await readFile(positionals[0], 'utf8'));
  console.log(format(summarize(profile, { skipMs: Number(values['skip-ms']) }), Number(values.top)));
}
