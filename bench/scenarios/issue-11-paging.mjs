/**
 * Issue 11 item 5: paging at Entra scale. On the large tenant (100k users), with the read cache
 * off so every page is computed: the last `startIndex` page of 100 against the first (target: at
 * most 2× its cost), and RFC 9865 cursor pages spread over the whole list against the first page
 * (at most 1.2×). Cost is the server's CPU per request (bench/README.md: it moves far less with
 * the machine's other load than req/s); each pair is measured in alternating rounds.
 */
import { alternate } from '../lib/rounds.mjs';
import { errorRow, loadRow } from '../lib/rows.mjs';

export const issue = 11;
export const title = 'paging at 100k users: last startIndex page and cursor pages vs the first page';

const COUNT = 100;
/** The walk that collects cursors reads the largest pages (a cursor does not bind the page size): ~100 cursors over 100k users. */
const WALK_COUNT = 1000;
/**
 * Few connections: a page of 100 is ~1 ms of work, and the server answers a batch of requests
 * together (src/http/batched-listener.ts), so 50 connections make every answer wait for 50 pages.
 */
const CONNECTIONS = 8;

async function getJson(server, path) {
  const response = await fetch(`${server.url}${path}`, { headers: server.headers });
  if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

/** Walks the whole list by cursor, keeping every nextCursor: positions from start to end. */
async function spreadCursors(server, log) {
  const cursors = [];
  let cursor = '';
  let pages = 0;
  const started = Date.now();
  for (;;) {
    const page = await getJson(server, `/scim/v2/Users?count=${WALK_COUNT}&attributes=id&cursor=${encodeURIComponent(cursor)}`);
    pages += 1;
    if (page.nextCursor === undefined) break;
    cursor = page.nextCursor;
    cursors.push(cursor);
  }
  log(`walked ${pages} cursor pages in ${((Date.now() - started) / 1000).toFixed(1)} s; ${cursors.length} cursors kept`);
  return cursors;
}

function costRow({ scenario, measured, maxCostRatio }) {
  const { a, b, ratios } = measured;
  const row = loadRow({ issue, scenario, measure: a, baseline: b, ratios, versus: 'first page' });
  const cpuRatio = row.cpuRatio;
  const pass = cpuRatio !== undefined && cpuRatio <= maxCostRatio;
  return {
    ...row,
    target: `cpu ≤ ${maxCostRatio}× the first page`,
    status: row.status === 'INVALID' ? 'INVALID' : pass ? 'PASS' : 'MISS',
    note: `${a.cpuUsPerRequest?.toFixed(0)} vs ${b.cpuUsPerRequest?.toFixed(0)} µs of server CPU per page of ${COUNT}`,
  };
}

export async function run(ctx) {
  const { largeUsers, rounds } = ctx.config;
  const rows = [];
  const server = await ctx.scimgate(await ctx.tenant(largeUsers), `scimgate-paging-${largeUsers}`, { SCIMGATE_SCIM_READ_CACHE_MB: '0' });
  try {
    const first = { url: server.url, headers: server.headers, cpuSeconds: server.cpuSeconds, connections: CONNECTIONS, requests: [{ path: `/scim/v2/Users?startIndex=1&count=${COUNT}` }] };
    const probe = await getJson(server, `/scim/v2/Users?startIndex=1&count=1`);
    const total = probe.totalResults;
    const last = { ...first, requests: [{ path: `/scim/v2/Users?startIndex=${Math.max(1, total - COUNT + 1)}&count=${COUNT}` }] };
    const cursors = await spreadCursors(server, ctx.log);
    const anywhere = { ...first, requests: cursors.map((cursor) => ({ path: `/scim/v2/Users?count=${COUNT}&cursor=${encodeURIComponent(cursor)}` })) };

    const cases = [
      { scenario: `last startIndex page of ${total / 1000}k users`, shape: last, maxCostRatio: 2 },
      { scenario: `cursor pages anywhere in ${total / 1000}k users`, shape: anywhere, maxCostRatio: 1.2 },
    ];
    for (const { scenario, shape, maxCostRatio } of cases.filter((c) => !ctx.config.cases || ctx.config.cases.test(c.scenario))) {
      ctx.log(`${scenario} vs the first page, ${rounds} alternating rounds`);
      try {
        await ctx.load({ ...shape, duration: ctx.config.warmup, warmup: 0 });
        await ctx.load({ ...first, duration: ctx.config.warmup, warmup: 0 });
        const measured = await alternate(
          Math.max(2, rounds),
          () => ctx.load({ ...shape, warmup: 0 }),
          () => ctx.load({ ...first, warmup: 0 }),
        );
        rows.push(costRow({ scenario, measured, maxCostRatio }));
      } catch (error) {
        rows.push(errorRow(issue, scenario, error));
      }
    }
  } catch (error) {
    rows.push(errorRow(issue, 'paging at scale', error));
  } finally {
    await server.stop();
  }
  return rows;
}
