/**
 * Two CPU profiles side by side, per request: where B spends more than A, by function (self time)
 * and by our own functions (inclusive). Functions are matched by name and file without line
 * numbers, so two builds of different commits compare; idle time is left out.
 * Usage: node bench/lib/profile-diff.mjs A.cpuprofile requestsA B.cpuprofile requestsB [top]
 */
import { readFileSync } from 'node:fs';

function load(file, requests) {
  const { nodes, samples, timeDeltas } = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (timeDeltas[i] ?? 0)));
  const fn = new Map();
  const incl = new Map();
  let busy = 0;
  const name = (cf) => `${cf.functionName || '(anon)'} ${cf.url.replace(/^.*\/(node_modules|dist)\//, '$1/').replace(/^file:\/\//, '') || '(native)'}`;
  for (const [id, us] of self) {
    const cf = byId.get(id).callFrame;
    if (cf.functionName === '(idle)') continue;
    busy += us;
    const k = name(cf);
    fn.set(k, (fn.get(k) ?? 0) + us);
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at).callFrame;
      if (!f.url.includes('/dist/') || f.url.includes('node_modules')) continue;
      const key = name(f);
      if (seen.has(key)) continue;
      seen.add(key);
      incl.set(key, (incl.get(key) ?? 0) + us);
    }
  }
  const per = (m) => new Map([...m].map(([k, v]) => [k, v / requests]));
  return { busy: busy / requests, fn: per(fn), incl: per(incl) };
}

const [fa, ra, fb, rb, topArg] = process.argv.slice(2);
const top = Number(topArg ?? 30);
const a = load(fa, Number(ra));
const b = load(fb, Number(rb));
console.log(`busy µs/request: A ${a.busy.toFixed(1)}  B ${b.busy.toFixed(1)}  (${(b.busy - a.busy).toFixed(1)})`);
for (const kind of ['fn', 'incl']) {
  const keys = new Set([...a[kind].keys(), ...b[kind].keys()]);
  const rows = [...keys].map((k) => [k, a[kind].get(k) ?? 0, b[kind].get(k) ?? 0]);
  console.log(`\n${kind === 'fn' ? 'self' : 'inclusive (dist)'}: largest differences (µs/request)  A  B  B-A`);
  rows.sort((x, y) => Math.abs(y[2] - y[1]) - Math.abs(x[2] - x[1]));
  for (const [k, va, vb] of rows.slice(0, top)) console.log(`${va.toFixed(2).padStart(7)} ${vb.toFixed(2).padStart(7)} ${(vb - va).toFixed(2).padStart(7)}  ${k}`);
  if (kind === 'incl') {
    console.log('\ninclusive (dist), B top:');
    rows.sort((x, y) => y[2] - x[2]);
    for (const [k, va, vb] of rows.slice(0, top)) console.log(`${va.toFixed(2).padStart(7)} ${vb.toFixed(2).padStart(7)} ${(vb - va).toFixed(2).padStart(7)}  ${k}`);
  }
}
