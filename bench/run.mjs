/**
 * `npm run bench`: runs every scenario file in bench/scenarios/ (in name order) against scimgate
 * child processes, prints each figure beside its same-run baseline and the issue's target, and
 * writes the rows to bench/.cache/last-run.json. Targets report PASS/MISS; they never fail the run.
 *
 * A scenario file exports `issue`, `title` and `run(ctx) → rows` (see lib/context.mjs, lib/rows.mjs).
 */
import { readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadConfig } from './lib/config.mjs';
import { createContext } from './lib/context.mjs';
import { formatTable, writeJson } from './lib/report.mjs';
import { errorRow } from './lib/rows.mjs';

const SCENARIOS = fileURLToPath(new URL('./scenarios/', import.meta.url));

const started = Date.now();
const log = (message) => console.error(`[bench +${((Date.now() - started) / 1000).toFixed(0)}s] ${message}`);

async function main() {
  const config = loadConfig();
  const files = readdirSync(SCENARIOS)
    .filter((name) => name.endsWith('.mjs') && (!config.only || config.only.test(name)))
    .sort();
  const loadBefore = loadavg()[0];
  // Everything here shares 2 cores with whatever else runs; say so rather than print noise as fact.
  if (loadBefore > 1) log(`warning: load average is ${loadBefore.toFixed(1)} before the run; figures will be noisy`);
  log(`${files.length} scenario files; ${config.connections} connections, ${config.warmup} s warm-up + ${config.duration} s each`);

  const ctx = createContext(config, log);
  const rows = [];
  const stop = () => void ctx.stopAll().then(() => process.exit(130));
  process.once('SIGINT', stop);
  try {
    for (const file of files) {
      const scenario = await import(pathToFileURL(`${SCENARIOS}${file}`).href);
      log(`— ${file}: ${scenario.title}`);
      try {
        rows.push(...(await scenario.run(ctx)));
      } catch (error) {
        rows.push(errorRow(scenario.issue, file, error));
      }
    }
  } finally {
    await ctx.stopAll();
  }

  const baselineRows = [...ctx.baselines].map(([status, measures]) => {
    const median = (key) => [...measures.map((m) => m[key])].sort((a, b) => a - b)[Math.floor(measures.length / 2)];
    return {
      issue: '',
      scenario: `bare hono ${status} (median of ${measures.length})`,
      rps: median('rps'),
      p50: median('p50'),
      p99: median('p99'),
      measure: { cpuUsPerRequest: median('cpuUsPerRequest') },
      measures,
      target: '',
      status: 'BASE',
    };
  });
  const all = [...baselineRows, ...rows];
  console.log(`\n${formatTable(all)}\n`);
  for (const row of all.filter((r) => r.note)) console.log(`  ${row.scenario}: ${row.note}`);
  const file = writeJson(all, {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    config: { ...config, only: config.only?.source, cases: config.cases?.source },
    seconds: (Date.now() - started) / 1000,
    loadAverage: { before: loadBefore, after: loadavg()[0] },
  });
  const missed = all.filter((r) => r.status === 'MISS' || r.status === 'ERROR' || r.status === 'INVALID').length;
  console.log(`load average ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after (${cpus().length} CPUs)`);
  console.log(`\n${missed === 0 ? 'all targets met' : `${missed} row(s) missed or failed`}; written to ${file}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
