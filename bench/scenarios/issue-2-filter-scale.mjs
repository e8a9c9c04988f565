/**
 * Issue 2: `userName eq` must stay an indexed lookup, so its cost at 100k users is within 1.2× of
 * its cost at 1k. Both tenants are served at once and measured in alternating rounds (A B, B A),
 * so a burst of other work on the machine hits both sides instead of one. The read cache is off
 * here: remembered answers cost the same at any size, and this measures the indexed query.
 */
import { combine } from '../lib/rounds.mjs';
import { errorRow, loadRow } from '../lib/rows.mjs';
import { seededUserKey } from '../lib/scim-bodies.mjs';

export const issue = 2;
export const title = '`userName eq` at 100k users vs at 1k users';

const MAX_RATIO = 1.2;
/** Distinct filters per tenant; the same count on both sides keeps the comparison fair. */
const ROTATION = 1000;
/**
 * A B, B A. Few, long rounds: every autocannon run opens 50 fresh connections, and scimgate serves a
 * burst of new connections unevenly (a few first requests wait up to ~1 s), which would swamp p99
 * in short rounds.
 */
const ROUNDS = 2;

async function side(ctx, users) {
  const server = await ctx.scimgate(await ctx.tenant(users), `scimgate-${users}`, { SCIMGATE_SCIM_READ_CACHE_MB: '0' });
  // Spread over the whole tenant, so the large one cannot hide in a hot corner of the cache.
  const step = Math.max(1, Math.floor(users / ROTATION));
  const requests = Array.from({ length: Math.min(ROTATION, users) }, (_, n) => ({
    path: `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${seededUserKey(n * step)}@example.com"`)}`,
  }));
  const shape = { url: server.url, headers: server.headers, cpuSeconds: server.cpuSeconds, requests };
  return { users, server, shape, rounds: [] };
}

export async function run(ctx) {
  const { smallUsers, largeUsers, duration, warmup } = ctx.config;
  const scenario = `userName eq @${largeUsers / 1000}k vs @${smallUsers / 1000}k`;
  const sides = [];
  try {
    sides.push(await side(ctx, smallUsers), await side(ctx, largeUsers));
    for (const s of sides) {
      ctx.log(`warm-up: GET /Users?filter=userName eq (${s.users} users)`);
      await ctx.load({ ...s.shape, duration: warmup, warmup: 0 });
    }
    ctx.log(`GET /Users?filter=userName eq, ${ROUNDS} alternating rounds of ${(duration / ROUNDS).toFixed(2)} s per tenant`);
    for (let round = 0; round < ROUNDS; round++) {
      for (const s of round % 2 ? [...sides].reverse() : sides) {
        s.rounds.push(await ctx.load({ ...s.shape, duration: duration / ROUNDS, warmup: 0 }));
      }
    }
    const [small, large] = sides.map((s) => combine(s.rounds));
    // p99 and throughput both compared: a table scan would show in both, a stall only in p99.
    const row = loadRow({ issue, scenario, measure: large, baseline: small, versus: `${smallUsers / 1000}k users`, maxP99Ratio: MAX_RATIO });
    const rpsOk = row.rpsRatio >= 1 / MAX_RATIO;
    return [
      {
        ...row,
        target: `p99 and req/s within ${MAX_RATIO}×`,
        status: row.status === 'PASS' && !rpsOk ? 'MISS' : row.status,
        note: `medians of ${ROUNDS} alternating rounds; p50 ${(large.p50 / small.p50).toFixed(2)}×, mean ${(large.mean / small.mean).toFixed(2)}×; 1k side ${Math.round(small.rps)} req/s, p99 ${small.p99.toFixed(1)} ms`,
        small,
      },
    ];
  } catch (error) {
    return [errorRow(issue, scenario, error)];
  } finally {
    await Promise.all(sides.map((s) => s.server.stop()));
  }
}
