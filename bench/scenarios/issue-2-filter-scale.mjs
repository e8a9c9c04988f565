/**
 * Issue 2: `userName eq` must stay an indexed lookup, so its cost at 100k users is within 1.2× of
 * its cost at 1k. Both tenants get a fresh server and the same warm-up, back to back.
 */
import { errorRow, loadRow } from '../lib/rows.mjs';
import { seededUserKey } from '../lib/scim-bodies.mjs';

export const issue = 2;
export const title = '`userName eq` at 100k users vs at 1k users';

const MAX_RATIO = 1.2;
/** Distinct filters per tenant; the same count on both sides keeps the comparison fair. */
const ROTATION = 1000;

async function measureFilter(ctx, users) {
  const database = await ctx.tenant(users);
  const server = await ctx.scimgate(database, `scimgate-${users}`);
  try {
    ctx.log(`GET /Users?filter=userName eq (${users} users)`);
    // Spread over the whole tenant, so the large one cannot hide in a hot corner of the cache.
    const step = Math.max(1, Math.floor(users / ROTATION));
    const requests = Array.from({ length: Math.min(ROTATION, users) }, (_, n) => ({
      path: `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${seededUserKey(n * step)}@example.com"`)}`,
    }));
    return await ctx.load({ url: server.url, headers: server.headers, cpuSeconds: server.cpuSeconds, requests });
  } finally {
    await server.stop();
  }
}

export async function run(ctx) {
  const { smallUsers, largeUsers } = ctx.config;
  const scenario = `userName eq @${largeUsers / 1000}k vs @${smallUsers / 1000}k`;
  try {
    const small = await measureFilter(ctx, smallUsers);
    const large = await measureFilter(ctx, largeUsers);
    // Throughput and p99 both compared: a table scan would show in both, a GC pause only in p99.
    const row = loadRow({ issue, scenario, measure: large, baseline: small, versus: `${smallUsers / 1000}k users`, maxP99Ratio: MAX_RATIO });
    const rpsOk = row.rpsRatio >= 1 / MAX_RATIO;
    const mean = large.mean / small.mean;
    return [
      {
        ...row,
        target: `p99 and req/s within ${MAX_RATIO}×`,
        status: row.status === 'PASS' && !rpsOk ? 'MISS' : row.status,
        note: `mean latency ${mean.toFixed(2)}× (${large.mean.toFixed(2)} vs ${small.mean.toFixed(2)} ms), p50 ${(large.p50 / small.p50).toFixed(2)}×`,
        small,
      },
    ];
  } catch (error) {
    return [errorRow(issue, scenario, error)];
  }
}
