/**
 * One load measurement with autocannon: a discarded warm-up run, then a measured run. Latency
 * percentiles are computed here from every response's exact time, because autocannon's histogram
 * rounds to whole milliseconds and sub-millisecond figures are the ones we compare.
 *
 * Requests are either a fixed list (`requests`, pre-built once per connection, each connection
 * starting at a different offset so 50 connections do not hit the same row in lockstep) or built
 * per request (`next(n)`, for unique userNames). Per-request building costs the load generator
 * ~30% of its throughput on 2 cores, CPU the server under test then lacks, so prefer lists.
 */
import autocannon from 'autocannon';

/**
 * @typedef {{ method?: string, path: string, body?: string }} RequestShape
 * @typedef {{
 *   url: string,
 *   connections: number,
 *   duration: number,
 *   warmup?: number,
 *   headers?: Record<string, string>,
 *   requests?: RequestShape[],
 *   next?: (n: number) => RequestShape,
 *   cpuSeconds?: () => number | undefined,
 *   counter?: { n: number },
 *   amount?: number,
 * }} LoadOptions
 * @typedef {{ rps: number, p50: number, p90: number, p99: number, mean: number, requests: number, non2xx: number, errors: number, timeouts: number, statusCodes: Record<string, number>, cpuUsPerRequest?: number, cpuShare?: number }} LoadResult
 */

function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

const shape = (request) => ({ method: 'GET', ...request });

/** autocannon options for a fixed, per-connection rotated list, or for per-request building. */
function requestPlan(options, counter) {
  const { next, requests } = options;
  if (next) {
    return { requests: [{ setupRequest: (request) => ({ ...request, ...shape(next(counter.n++)) }) }] };
  }
  if (!requests || requests.length === 0) throw new Error('a load needs `requests` or `next`');
  const list = requests.map(shape);
  let client = 0;
  const stride = Math.max(1, Math.floor(list.length / options.connections));
  return {
    requests: [list[0]],
    setupClient: (c) => {
      const offset = (client++ * stride) % list.length;
      // Copies: autocannon stores each connection's built buffer on the request object.
      c.setRequests([...list.slice(offset), ...list.slice(0, offset)].map((request) => ({ ...request })));
    },
  };
}

/** @param {LoadOptions} options @param {number} seconds @param {{ n: number }} counter */
function runOnce(options, seconds, counter) {
  /** @type {number[]} */
  const latencies = [];
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        // A fixed number of requests instead of a duration, when the work itself is what is measured (memory after N lookups).
        ...(options.amount ? { amount: options.amount } : { duration: seconds }),
        headers: options.headers,
        ...requestPlan(options, counter),
      },
      (error, result) => {
        if (error) return reject(error);
        const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
        const sorted = Float64Array.from(latencies).sort();
        const ok = result['2xx'];
        resolve({
          rps: ok / elapsed,
          p50: percentile(sorted, 50),
          p90: percentile(sorted, 90),
          p99: percentile(sorted, 99),
          mean: sorted.reduce((sum, v) => sum + v, 0) / (sorted.length || 1),
          requests: result.requests.total,
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count])),
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
}

/** @param {LoadOptions} options @returns {Promise<LoadResult>} */
export async function measureLoad(options) {
  // One counter across warm-up and measurement (and across rounds, when the caller passes one),
  // so POSTs never repeat a userName.
  const counter = options.counter ?? { n: 0 };
  if (options.warmup && options.warmup > 0) await runOnce(options, options.warmup, counter);
  // The server's own CPU per request does not depend on how busy the rest of the machine is.
  const cpuBefore = options.cpuSeconds?.();
  const started = process.hrtime.bigint();
  const result = await runOnce(options, options.duration, counter);
  const cpuAfter = options.cpuSeconds?.();
  if (cpuBefore === undefined || cpuAfter === undefined || result.requests === 0) return result;
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  return { ...result, cpuUsPerRequest: ((cpuAfter - cpuBefore) * 1e6) / result.requests, cpuShare: (cpuAfter - cpuBefore) / elapsed };
}
