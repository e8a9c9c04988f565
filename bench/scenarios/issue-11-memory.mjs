/**
 * Issue 11 item 6: memory at Entra scale, and whether the SCIM read cache earns its place.
 *
 * Two `scimgate serve` processes on private copies of the nested-groups tenant (100k users, 10k
 * groups, 1M memberships: every user's answer lists ~10 groups), one with the read cache at its
 * default size and one with it off, take the same load in alternating rounds:
 *   - random lookups: GET /Users/{id} for a user drawn at random from the whole tenant on every
 *     request (with replacement, as a reconciliation job or a comparison harness reads), so almost
 *     every request is a first read — where a cache can only cost;
 *   - hot reads: GET /Users/{id} over 500 users, as polling clients read — what the cache is for.
 * Then each server takes a fixed 40,000 random lookups (the same work whatever BENCH_DURATION is)
 * and its RSS is read. Rows: each load with the cache on vs off, and each server's RSS (issue 11:
 * ≤ 200 MiB; it includes SQLite's page cache, the checkpoint worker and V8's heap).
 */
import { randomInt } from 'node:crypto';
import { copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { alternate } from '../lib/rounds.mjs';
import { errorRow, loadRow, metricRow } from '../lib/rows.mjs';
import { nestedGroupsTenant } from './nested-groups.mjs';

export const issue = 11;
export const title = 'memory after the 100k-user / 1M-membership load; read cache on vs off';

const MAX_RSS_MB = 200;
const HOT_SET = 500;
/** Random lookups per server before its RSS is read. */
const LOOKUPS = 40_000;

function userIds(path) {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT id FROM users ORDER BY rowid').pluck().all();
  } finally {
    db.close();
  }
}

export async function run(ctx) {
  const source = await nestedGroupsTenant(ctx.log);
  const ids = userIds(source);
  const copies = ['on', 'off'].map((side) => join(tmpdir(), `scimgate-bench-memory-${side}-${process.pid}.db`));
  for (const copy of copies) copyFileSync(source, copy);
  const servers = [];
  const rows = [];
  try {
    const cached = await ctx.scimgate(copies[0], 'scimgate-1m-cache-on');
    servers.push(cached);
    // Same bootstrap token, so one set of headers serves both.
    const token = cached.headers.authorization.slice('Bearer '.length);
    const uncached = await ctx.scimgate(copies[1], 'scimgate-1m-cache-off', { SCIMGATE_SCIM_READ_CACHE_MB: '0', SCIMGATE_SCIM_TOKEN: token });
    servers.push(uncached);
    ctx.log(`RSS after start on ${ids.length} users: cache on ${cached.rssMb()?.toFixed(1)} MB, off ${uncached.rssMb()?.toFixed(1)} MB`);

    const random = { next: () => ({ path: `/scim/v2/Users/${ids[randomInt(ids.length)]}` }) };
    const hot = { requests: ids.slice(0, HOT_SET).map((id) => ({ path: `/scim/v2/Users/${id}` })) };
    const shape = (server, load) => ({ url: server.url, headers: cached.headers, cpuSeconds: server.cpuSeconds, ...load });
    for (const [scenario, load] of [
      [`random GET /Users/{id} @100k/1M, cache on vs off`, random],
      [`hot GET /Users/{id} (${HOT_SET} users) @100k/1M, cache on vs off`, hot],
    ]) {
      ctx.log(scenario);
      try {
        for (const server of servers) await ctx.load({ ...shape(server, load), duration: ctx.config.warmup, warmup: 0 });
        const { a, b, ratios } = await alternate(
          ctx.config.rounds,
          () => ctx.load({ ...shape(cached, load), warmup: 0 }),
          () => ctx.load({ ...shape(uncached, load), warmup: 0 }),
        );
        const row = loadRow({ issue, scenario, measure: a, baseline: b, ratios, versus: 'cache off' });
        rows.push({ ...row, note: `cpu µs/req on ${a.cpuUsPerRequest?.toFixed(0)} vs off ${b.cpuUsPerRequest?.toFixed(0)}; p50 ${a.p50.toFixed(2)} vs ${b.p50.toFixed(2)} ms` });
      } catch (error) {
        rows.push(errorRow(issue, scenario, error));
      }
    }
    // The load itself, the same on any machine and any BENCH_DURATION: LOOKUPS random reads per
    // server, enough to touch most of the tenant's pages and, were one-off answers kept, to fill
    // the read cache several times over.
    for (const server of servers) {
      ctx.log(`${LOOKUPS} random lookups on ${server === cached ? 'the cached' : 'the uncached'} server`);
      const done = await ctx.load({ ...shape(server, random), amount: LOOKUPS, duration: 600, warmup: 0 });
      if (done.non2xx + done.errors + done.timeouts > 0) rows.push(errorRow(issue, 'random lookups before the RSS reading', new Error(`non-2xx ${done.non2xx}, errors ${done.errors}, timeouts ${done.timeouts}`)));
    }
    const on = cached.rssMb();
    const off = uncached.rssMb();
    if (on !== undefined) rows.push(metricRow({ issue, scenario: 'RSS after the 100k-user / 1M-membership load (read cache on)', value: on, unit: 'MB', max: MAX_RSS_MB }));
    if (off !== undefined) rows.push(metricRow({ issue, scenario: '… the same load, read cache off', value: off, unit: 'MB', max: MAX_RSS_MB }));
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    for (const copy of copies) for (const suffix of ['', '-wal', '-shm']) rmSync(copy + suffix, { force: true });
  }
  return rows;
}
