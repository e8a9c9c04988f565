/**
 * A/B of whole builds on the issue-2 /Users cases, for "did anything get slower" between two
 * commits: each tree (a checkout with its own `dist/`, e.g. a `git worktree add --detach`) serves
 * its own 1k tenant, seeded by that tree's code and migrations with that tree's bench/lib, so
 * both sides run as they ship. Rounds rotate the order of the trees; each case prints every
 * tree's median server CPU µs per request (and the rounds), the figure that moves least with the
 * machine's other load.
 *
 * Usage: node bench/ab-builds.mjs <case regex> <rounds> <seconds> <tree>...
 *   cases: get-id filter-eq page100 get-id-off filter-eq-off page100-off patch post
 *   AMOUNT=n: n requests per round instead of <seconds> (exact counts, for profiles);
 *   PROF=1: a V8 CPU profile of each server in <tree>/bench/.cache/profiles/, compared with
 *   `node bench/lib/profile-diff.mjs A.cpuprofile requestsA B.cpuprofile requestsB` (the
 *   request counts are printed at the end).
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { measureLoad } from './lib/load.mjs';
import { replaceDisplayName, userBody } from './lib/scim-bodies.mjs';

const [caseRe, roundsArg, secondsArg, ...treeArgs] = process.argv.slice(2);
const trees = treeArgs.map((t) => resolve(t));
if (!caseRe || trees.length === 0) throw new Error('usage: node bench/ab-builds.mjs <case regex> <rounds> <seconds> <tree>...');
const PROF = process.env.PROF === '1';
const AMOUNT = Number(process.env.AMOUNT ?? 0);
const rounds = Number(roundsArg);
const seconds = Number(secondsArg);
const log = (m) => console.error(`[ab] ${m}`);
const enc = encodeURIComponent;
const runId = Date.now().toString(36);

const sides = [];
for (const tree of trees) {
  const seed = await import(`${tree}/bench/lib/seed.mjs`);
  const servers = await import(`${tree}/bench/lib/servers.mjs`);
  const db = await seed.tenantCopy(1000, log);
  const users = seed.readUsers(db, 1000);
  const env = { SCIMGATE_SCIM_RATE_LIMIT: '0' };
  const server = await servers.startScimgate({ database: db, label: `ab-${sides.length}-${tree.split('/').pop()}`, env, cpuProfile: PROF });
  const token = server.headers.authorization.slice(7);
  const uncached = await servers.startScimgate({ database: db, cpuProfile: PROF, label: `ab-${sides.length}-${tree.split('/').pop()}-u`, env: { ...env, SCIMGATE_SCIM_READ_CACHE_MB: '0', SCIMGATE_SCIM_TOKEN: token } });
  sides.push({ tree, users, server, uncached, results: {}, served: 0, servedOff: 0 });
}
const list = (users, build) => Array.from({ length: 500 }, (_, n) => build(users[n], n));
const cases = [
  { name: 'get-id', reqs: (u) => list(u, (x) => ({ path: `/scim/v2/Users/${x.id}` })) },
  { name: 'filter-eq', reqs: (u) => list(u, (x) => ({ path: `/scim/v2/Users?filter=${enc(`userName eq "${x.userName}"`)}` })) },
  { name: 'page100', reqs: (u) => list(u, (_, n) => ({ path: `/scim/v2/Users?startIndex=${1 + ((n * 37) % 900)}&count=100` })) },
  { name: 'get-id-off', off: true, reqs: (u) => list(u, (x) => ({ path: `/scim/v2/Users/${x.id}` })) },
  { name: 'filter-eq-off', off: true, reqs: (u) => list(u, (x) => ({ path: `/scim/v2/Users?filter=${enc(`userName eq "${x.userName}"`)}` })) },
  { name: 'page100-off', off: true, reqs: (u) => list(u, (_, n) => ({ path: `/scim/v2/Users?startIndex=${1 + ((n * 37) % 900)}&count=100` })) },
  { name: 'patch', reqs: (u) => list(u, (x, n) => ({ method: 'PATCH', path: `/scim/v2/Users/${x.id}`, body: JSON.stringify(replaceDisplayName(`Renamed ${runId} ${n}`)) })) },
  { name: 'post', next: (side) => (n) => ({ method: 'POST', path: '/scim/v2/Users', body: JSON.stringify(userBody(`ab-${runId}-${side}-${n}`, n)) }) },
].filter((c) => new RegExp(caseRe).test(c.name));

const median = (v) => { const s = [...v].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
console.log(`start ${new Date().toISOString()} load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
try {
  for (const c of cases) {
    const shapes = sides.map((s, i) => {
      const target = c.off ? s.uncached : s.server;
      const counter = { n: 0 };
      return { url: target.url, headers: s.server.headers, cpuSeconds: target.cpuSeconds, counter, ...(c.next ? { next: c.next(i) } : { requests: c.reqs(s.users) }) };
    });
    for (const [i, shape] of shapes.entries()) { const w = await measureLoad({ ...shape, connections: 50, duration: 1, warmup: 0, ...(AMOUNT ? { amount: AMOUNT / 2 } : {}) }); if (c.off) sides[i].servedOff += w.requests; else sides[i].served += w.requests; }
    for (let r = 0; r < rounds; r++) {
      const order = sides.map((_, i) => i);
      for (let k = 0; k < r % sides.length; k++) order.push(order.shift());
      if (r % 2) order.reverse();
      for (const i of order) {
        const res = await measureLoad({ ...shapes[i], connections: 50, duration: seconds, warmup: 0, ...(AMOUNT ? { amount: AMOUNT } : {}) });
        if (c.off) sides[i].servedOff += res.requests; else sides[i].served += res.requests;
        if (res.non2xx) log(`${c.name} ${sides[i].tree}: non2xx ${JSON.stringify(res.statusCodes)}`);
        (sides[i].results[c.name] ??= []).push(res);
      }
    }
    const line = sides.map((s) => {
      const rs = s.results[c.name];
      return `${s.tree.split('/').pop()}: ${median(rs.map((x) => x.cpuUsPerRequest)).toFixed(0)} µs [${rs.map((x) => x.cpuUsPerRequest.toFixed(0)).join(' ')}] ${median(rs.map((x) => x.rps)).toFixed(0)}/s`;
    });
    console.log(`${c.name.padEnd(14)} ${line.join(' | ')}`);
  }
} finally {
  for (const s of sides) await Promise.all([s.server.stop(), s.uncached.stop()]);
  for (const s of sides) console.log(`served ${s.tree}: cached server ${s.served}, uncached server ${s.servedOff}`);
  console.log(`end ${new Date().toISOString()} load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}
