/**
 * Issue 2: the SCIM /Users hot paths Entra drives, each beside the bare hono handler measured in
 * the same run (re-measured next to each case). Reads run before writes so POSTs do not grow the tenant the reads are measured on.
 */
import { loadRow, errorRow } from '../lib/rows.mjs';
import { replaceDisplayName, userBody } from '../lib/scim-bodies.mjs';

export const issue = 2;
export const title = 'SCIM /Users hot paths vs a bare hono handler';

/** Distinct requests each read/PATCH scenario rotates through. */
const ROTATION = 500;

export async function run(ctx) {
  const users = ctx.config.smallUsers;
  const database = await ctx.tenant(users);
  const seeded = ctx.readUsers(database, users);
  const server = await ctx.scimgate(database, 'scimgate-users');
  // The same reads with the read cache off (INFO rows): what a first read, or one after a change, costs.
  // Same bootstrap token: a different one would rotate the first server's token out of the shared database.
  const token = server.headers.authorization.slice('Bearer '.length);
  const uncached = await ctx.scimgate(database, 'scimgate-users-uncached', { SCIMGATE_SCIM_READ_CACHE_MB: '0', SCIMGATE_SCIM_TOKEN: token });
  const runId = Date.now().toString(36);
  const enc = encodeURIComponent;
  const pageCount = 100;

  // Reads and PATCHes rotate over a fixed list (cheap for the load generator); POSTs need a fresh userName each.
  const list = (build) => Array.from({ length: Math.min(ROTATION, seeded.length) }, (_, n) => build(n));
  const cases = [
    { scenario: 'GET /Users/{id}', minRpsRatio: 0.4, requests: list((n) => ({ path: `/scim/v2/Users/${seeded[n].id}` })) },
    {
      scenario: 'GET /Users?filter=userName eq',
      minRpsRatio: 0.4,
      requests: list((n) => ({ path: `/scim/v2/Users?filter=${enc(`userName eq "${seeded[n].userName}"`)}` })),
    },
    {
      scenario: 'GET /Users page of 100',
      minRpsRatio: 0.05,
      requests: list((n) => ({ path: `/scim/v2/Users?startIndex=${1 + ((n * 37) % Math.max(1, seeded.length - pageCount))}&count=${pageCount}` })),
    },
    ...['GET /Users/{id}', 'GET /Users?filter=userName eq', 'GET /Users page of 100'].map((scenario, index) => ({
      scenario: `${scenario}, read cache off`,
      target: uncached,
      requests: [],
      copyOf: index,
    })),
    {
      scenario: 'PATCH /Users/{id} replace',
      minRpsRatio: 0.15,
      requests: list((n) => ({
        method: 'PATCH',
        path: `/scim/v2/Users/${seeded[n].id}`,
        body: JSON.stringify(replaceDisplayName(`Renamed ${runId} ${n}`)),
      })),
    },
    {
      scenario: 'POST /Users',
      minRpsRatio: 0.15,
      next: (n) => ({ method: 'POST', path: '/scim/v2/Users', body: JSON.stringify(userBody(`bench-${runId}-${n}`, n)) }),
    },
  ];

  const rows = [];
  try {
    for (const c of cases.filter((c) => !ctx.config.cases || ctx.config.cases.test(c.scenario))) {
      const { scenario, minRpsRatio, next } = c;
      const requests = c.copyOf === undefined ? c.requests : cases[c.copyOf].requests;
      const target = c.target ?? server;
      ctx.log(`${scenario} (${users} users)`);
      try {
        // Alternating rounds with the baseline, so a busy spell on the machine hits both sides alike.
        const { measure, baseline, ratios } = await ctx.versusBaseline(200, { url: target.url, headers: server.headers, cpuSeconds: target.cpuSeconds, requests, next });
        rows.push(loadRow({ issue, scenario, measure, baseline, ratios, versus: 'bare 200', minRpsRatio }));
      } catch (error) {
        rows.push(errorRow(issue, scenario, error));
      }
    }
  } finally {
    await Promise.all([server.stop(), uncached.stop()]);
  }
  return rows;
}
