/**
 * A server's CPU profile (BENCH_CPU_PROF=1) cut into the stretches where it handled requests — the
 * load rounds — leaving out the idle time and the work between rounds (a hooks backlog draining):
 * per stretch, its busy time, the time under `handleBatch`, and the functions with the most self
 * time. Compare two servers' rounds with it when a whole-life profile mixes them with other work.
 *
 * Usage: node bench/lib/profile-slices.mjs X.cpuprofile   (TOP=n: functions per stretch, default 8)
 */
import { readFileSync } from 'node:fs';
const p = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const stackHas = (id, name) => { for (let x = id; x !== undefined; x = parent.get(x)) if (byId.get(x).callFrame.functionName === name) return true; return false; };
const reqCache = new Map();
const isReq = (id) => { if (!reqCache.has(id)) reqCache.set(id, stackHas(id, 'handleBatch')); return reqCache.get(id); };
let t = p.startTime;
const samples = p.samples.map((id, i) => { t += p.timeDeltas[i]; return { id, t, dt: p.timeDeltas[i + 1] ?? 0 }; });
// windows of 250 ms: round if any request sample
const W = 250_000;
const windows = new Map();
for (const s of samples) {
  const w = Math.floor((s.t - p.startTime) / W);
  let e = windows.get(w); if (!e) windows.set(w, (e = { req: 0, busy: 0, samples: [] }));
  const name = byId.get(s.id).callFrame.functionName;
  if (name !== '(idle)') e.busy += s.dt;
  if (isReq(s.id)) e.req += s.dt;
  e.samples.push(s);
}
// stretches of consecutive windows with req>0
const keys = [...windows.keys()].sort((a, b) => a - b);
let cur; const stretches = [];
for (const k of keys) { const e = windows.get(k); if (e.req > 20_000) { if (cur && cur.end === k - 1) { cur.end = k; cur.ws.push(e); } else { cur = { start: k, end: k, ws: [e] }; stretches.push(cur); } } }
for (const s of stretches) {
  if (s.ws.length < 8) continue;
  const busy = s.ws.reduce((a, e) => a + e.busy, 0) / 1000, req = s.ws.reduce((a, e) => a + e.req, 0) / 1000;
  const self = new Map();
  for (const e of s.ws) for (const x of e.samples) { const f = byId.get(x.id).callFrame; const key = `${f.functionName} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber}`; self.set(key, (self.get(key) ?? 0) + x.dt); }
  const top = [...self].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, +process.env.TOP || 8);
  console.log(`stretch at ${(s.start * W / 1e6).toFixed(1)}s, ${(s.ws.length * W / 1e6).toFixed(2)}s long: busy ${busy.toFixed(0)} ms, in handleBatch ${req.toFixed(0)} ms; first-second busy ${(s.ws.slice(0,4).reduce((a,e)=>a+e.busy,0)/1000).toFixed(0)} ms`);
  for (const [k, v] of top) console.log(`   ${(v / 1000).toFixed(0).padStart(6)} ms  ${k}`);
}
