/**
 * Turning measurements into report rows: ratios against a baseline measured in the same run,
 * and a PASS/MISS verdict against the issue's target.
 */
import { median } from './rounds.mjs';

/** Requests that did not get a 2xx make req/s and latency meaningless (a 409 is cheaper than a create). */
function invalid(measure) {
  if (measure.non2xx === 0 && measure.errors === 0 && measure.timeouts === 0) return undefined;
  return `non-2xx ${measure.non2xx} (${JSON.stringify(measure.statusCodes)}), errors ${measure.errors}, timeouts ${measure.timeouts}`;
}

/**
 * A load figure beside its baseline.
 * @param {{ issue: number, scenario: string, measure: import('./load.mjs').LoadResult, baseline: import('./load.mjs').LoadResult,
 *   ratios?: { rps: number[], p99: number[], cpu: number[] }, versus: string, minRpsRatio?: number, maxP99Ratio?: number }} input
 */
export function loadRow({ issue, scenario, measure, baseline, ratios, versus, minRpsRatio, maxP99Ratio }) {
  // With alternating rounds (ctx.versusBaseline), the median of the per-round ratios.
  const rpsRatio = ratios ? median(ratios.rps) : measure.rps / baseline.rps;
  const p99Ratio = ratios ? median(ratios.p99) : measure.p99 / baseline.p99;
  // Informational: how many times the baseline's CPU one request costs the server.
  const cpuRatio = ratios ? median(ratios.cpu) : measure.cpuUsPerRequest !== undefined && baseline.cpuUsPerRequest ? measure.cpuUsPerRequest / baseline.cpuUsPerRequest : undefined;
  const targets = [];
  let pass = true;
  if (minRpsRatio !== undefined) {
    targets.push(`req/s ≥ ${minRpsRatio}×`);
    pass &&= rpsRatio >= minRpsRatio;
  }
  if (maxP99Ratio !== undefined) {
    targets.push(`p99 ≤ ${maxP99Ratio}×`);
    pass &&= p99Ratio <= maxP99Ratio;
  }
  const note = invalid(measure);
  const status = note ? 'INVALID' : targets.length === 0 ? 'INFO' : pass ? 'PASS' : 'MISS';
  return {
    issue,
    scenario,
    rps: measure.rps,
    p50: measure.p50,
    p99: measure.p99,
    versus,
    rpsRatio,
    p99Ratio,
    ...(cpuRatio !== undefined ? { cpuRatio } : {}),
    target: targets.join(', '),
    status,
    ...(note ? { note } : {}),
    measure,
    // Kept in last-run.json beside the measure: each round of both sides, for reading a MISS.
    baseline,
    ...(ratios ? { ratios } : {}),
  };
}

/** A single figure (a duration, a size) against an upper bound. */
export function metricRow({ issue, scenario, value, unit, max, p50, p99 }) {
  return {
    issue,
    scenario,
    value: `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ${unit}`,
    ...(p50 !== undefined ? { p50 } : {}),
    ...(p99 !== undefined ? { p99 } : {}),
    target: max === undefined ? '' : `≤ ${max} ${unit}`,
    status: max === undefined ? 'INFO' : value <= max ? 'PASS' : 'MISS',
    raw: { value, unit },
  };
}

export function errorRow(issue, scenario, error) {
  return { issue, scenario, target: '', status: 'ERROR', note: error instanceof Error ? error.message : String(error) };
}
