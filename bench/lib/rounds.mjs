/**
 * Comparing two servers on a shared, noisy machine: measure them in alternating rounds (A B, B A,
 * A B …) so a burst of other work hits both sides, and summarise each side by medians. Ratios are
 * the medians of the per-round ratios, each round's pair having run seconds apart.
 */

export const median = (values) => {
  const sorted = values.filter((v) => v !== undefined && Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** One figure per side from its rounds: medians of the rates and percentiles, sums of the failures. */
export function combine(rounds) {
  const pick = (key) => median(rounds.map((r) => r[key]));
  const sum = (key) => rounds.reduce((total, r) => total + r[key], 0);
  const statusCodes = {};
  for (const r of rounds) for (const [code, count] of Object.entries(r.statusCodes ?? {})) statusCodes[code] = (statusCodes[code] ?? 0) + count;
  return {
    rps: pick('rps'),
    p50: pick('p50'),
    p90: pick('p90'),
    p99: pick('p99'),
    mean: pick('mean'),
    cpuUsPerRequest: pick('cpuUsPerRequest'),
    requests: sum('requests'),
    non2xx: sum('non2xx'),
    errors: sum('errors'),
    timeouts: sum('timeouts'),
    statusCodes,
    rounds: rounds.map(({ rps, p50, p99, cpuUsPerRequest }) => ({ rps, p50, p99, cpuUsPerRequest })),
  };
}

/** Each side's rounds combined, and the per-round ratios a / b. */
const paired = (as, bs) => {
  const ratio = (key) => as.map((r, i) => r[key] / bs[i][key]);
  return { a: combine(as), b: combine(bs), ratios: { rps: ratio('rps'), p99: ratio('p99'), cpu: ratio('cpuUsPerRequest') } };
};

/**
 * `rounds` alternating measurements of `a` and `b` (functions returning a LoadResult).
 * @returns {Promise<{ a: object, b: object, ratios: { rps: number[], p99: number[], cpu: number[] } }>} ratios are a / b per round
 */
export async function alternate(rounds, a, b) {
  const as = [];
  const bs = [];
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      bs.push(await b());
      as.push(await a());
    } else {
      as.push(await a());
      bs.push(await b());
    }
  }
  return paired(as, bs);
}

/**
 * `rounds` measurements of `a` and `b` when `a` leaves work behind it (the hooks' delivery
 * backlog) that `b` must not share the machine with: each round waits for `settle`, then runs `b`
 * and `a` back to back. `alternate` would put the wait between a pair's two halves every other
 * round, and the machine's speed drifts over such a wait (tens of seconds) by more than the
 * difference being measured; here each pair runs seconds apart, always in the same order.
 * @returns {Promise<{ a: object, b: object, ratios: { rps: number[], p99: number[], cpu: number[] } }>} ratios are a / b per round
 */
export async function afterSettling(rounds, settle, a, b) {
  const as = [];
  const bs = [];
  for (let round = 0; round < rounds; round++) {
    await settle();
    bs.push(await b());
    as.push(await a());
  }
  return paired(as, bs);
}
