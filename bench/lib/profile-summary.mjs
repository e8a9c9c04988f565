/**
 * Summarise a V8 .cpuprofile (from BENCH_CPU_PROF=1): where the server's CPU went, by self time
 * per function and by module, so a MISS comes with the file to look at.
 * Usage: node bench/lib/profile-summary.mjs bench/.cache/profiles/<file>.cpuprofile [top]
 */
import { readFileSync } from 'node:fs';

export function summarise(profile, top = 25) {
  const { nodes, samples, timeDeltas } = profile;
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const self = new Map();
  samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fn = new Map();
  const mod = new Map();
  for (const [id, micros] of self) {
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    const file = url.replace(/^file:\/\/.*?\/(node_modules|dist)\//, '$1/') || '(native)';
    const key = `${functionName || '(anonymous)'}  ${file}:${lineNumber + 1}`;
    fn.set(key, (fn.get(key) ?? 0) + micros);
    const module = file.startsWith('node_modules/') ? file.split('/').slice(0, file.includes('/@') ? 3 : 2).join('/') : file;
    mod.set(module, (mod.get(module) ?? 0) + micros);
  }
  // Inclusive time of our own code (dist/): each sample counts once per distinct frame on its stack.
  const parent = new Map();
  for (const node of nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const inclusive = new Map();
  for (const [id, micros] of self) {
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const { functionName, url, lineNumber } = byId.get(at).callFrame;
      if (!url.includes('/dist/') || url.includes('/node_modules/')) continue;
      const key = `${functionName || '(anonymous)'}  ${url.replace(/^.*\/dist\//, 'dist/')}:${lineNumber + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + micros);
    }
  }
  const lines = (map) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, micros]) => `${((100 * micros) / total).toFixed(1).padStart(5)}%  ${key}`);
  return `total ${(total / 1e6).toFixed(1)} s sampled\n\nself time by module:\n${lines(mod).join('\n')}\n\nself time by function:\n${lines(fn).join('\n')}\n\ninclusive time in dist/ functions:\n${lines(inclusive).join('\n')}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, top] = process.argv.slice(2);
  if (!file) throw new Error('usage: node bench/lib/profile-summary.mjs <file.cpuprofile> [top]');
  console.log(summarise(JSON.parse(readFileSync(file, 'utf8')), Number(top ?? 25)));
}
