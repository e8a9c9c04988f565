/**
 * Rows → the printed summary table and bench/.cache/last-run.json. Targets are reported as
 * PASS/MISS beside the figures, never enforced: a bench on shared CI hardware informs, it does not gate.
 *
 * A row: { issue, scenario, rps?, p50?, p99?, value?, versus?, rpsRatio?, p99Ratio?, target, status, note? }
 * status: PASS | MISS | INFO (no target) | INVALID (non-2xx answers, figures untrustworthy) | ERROR.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR } from './config.mjs';

const fixed = (value, digits) => (value === undefined || Number.isNaN(value) ? '' : value.toFixed(digits));
const times = (value) => (value === undefined || Number.isNaN(value) ? '' : `${value.toFixed(2)}×`);
const ms = (value) => (value === undefined || Number.isNaN(value) ? '' : value < 10 ? value.toFixed(2) : value.toFixed(1));

const COLUMNS = [
  ['issue', (r) => String(r.issue ?? '')],
  ['scenario', (r) => r.scenario],
  ['req/s | value', (r) => r.value ?? fixed(r.rps, 0)],
  ['p50 ms', (r) => ms(r.p50)],
  ['p99 ms', (r) => ms(r.p99)],
  ['cpu µs/req', (r) => fixed(r.measure?.cpuUsPerRequest, 0)],
  ['vs', (r) => r.versus ?? ''],
  ['req/s ×', (r) => times(r.rpsRatio)],
  ['p99 ×', (r) => times(r.p99Ratio)],
  ['cpu ×', (r) => times(r.cpuRatio)],
  ['target', (r) => r.target ?? ''],
  ['result', (r) => r.status],
];

export function formatTable(rows) {
  const cells = rows.map((row) => COLUMNS.map(([, cell]) => cell(row)));
  const widths = COLUMNS.map(([title], i) => Math.max(title.length, ...cells.map((line) => line[i].length)));
  const line = (values) => values.map((value, i) => (i >= 2 && i <= 9 && i !== 6 ? value.padStart(widths[i]) : value.padEnd(widths[i]))).join('  ');
  return [line(COLUMNS.map(([title]) => title)), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

export function writeJson(rows, meta) {
  mkdirSync(CACHE_DIR, { recursive: true });
  const file = join(CACHE_DIR, 'last-run.json');
  writeFileSync(file, `${JSON.stringify({ ...meta, rows }, null, 2)}\n`);
  return file;
}
