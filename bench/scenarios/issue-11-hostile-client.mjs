/**
 * Issue 11 acceptance: while one hostile client (lib/hostile-client.mjs) sends the worst filters
 * the bounds allow and trickles bodies and headers byte by byte, forward auth's p99 stays within 2×
 * its idle value. Forward auth: GET /oauth2/auth with a valid session cookie, on the large tenant
 * (the heavy filters cost what they cost there). Idle and hostile are measured in alternating rounds
 * (idle, hostile, hostile, idle …) so the machine's other load hits both; everything is on loopback
 * and stops with the scenario. The hostile client runs in a process of its own, as an attacker would,
 * so its work does not hold up the load generator that times forward auth.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../lib/config.mjs';
import { startHostileClientProcess } from '../lib/hostile-client.mjs';
import { freePort } from '../lib/processes.mjs';
import { alternate } from '../lib/rounds.mjs';
import { errorRow, loadRow } from '../lib/rows.mjs';
import { userBody } from '../lib/scim-bodies.mjs';
import { createBenchSession, startBenchIssuer, startSignInScimgate } from '../lib/sign-in-server.mjs';

export const issue = 11;
export const title = 'forward auth while a hostile client sends the worst filters and slow bodies';

const MAX_P99_RATIO = 2;
/**
 * The SCIM token's rate limit the server runs with: scimgate's default, or BENCH_SCIM_RPS
 * requests a second (0: no limit) to compare. The hostile client follows a 429's Retry-After as
 * it follows a 503's; BENCH_HOSTILE_IGNORE_429=1 makes it send again at once instead.
 */
const rateLimit = () => (process.env.BENCH_SCIM_RPS === undefined ? undefined : { rateLimit: { requestsPerSecond: Number(process.env.BENCH_SCIM_RPS) } });
/**
 * Parts of the attack, to see what each costs: BENCH_HOSTILE_HEAVY (loops sending the worst
 * filters, default 4), BENCH_HOSTILE_SLOW (connections trickling bodies and as many trickling
 * headers, default 16 each).
 */
const hostileParts = () => {
  const parts = {};
  if (process.env.BENCH_HOSTILE_HEAVY !== undefined) parts.heavyLoops = Number(process.env.BENCH_HOSTILE_HEAVY);
  if (process.env.BENCH_HOSTILE_SLOW !== undefined) parts.slowBodies = parts.slowHeaders = Number(process.env.BENCH_HOSTILE_SLOW);
  return parts;
};
/** Forward-auth load: a proxy's steady stream, not a flood (the flood is issue 4's scenario). */
const CONNECTIONS = 10;
const ORIGINAL_URL = 'http://app.example/x';

const dist = (path) => import(pathToFileURL(join(process.env.BENCH_SCIMGATE_DIST ?? join(ROOT, 'dist'), path)).href);

/** The signed-in user, and a SCIM token for the hostile client, written before the server starts. */
async function prepare(database, subject) {
  const { openStore } = await dist('store/index.js');
  const { createDirectory } = await dist('directory/index.js');
  const { createTokenService } = await dist('tokens/index.js');
  const { normalizeResource } = await dist('scim/protocol/resource/validate.js');
  const { userResourceType } = await dist('scim/protocol/schemas/index.js');
  const store = openStore(database);
  try {
    const doc = normalizeResource({ ...userBody('hostile-bench'), externalId: subject }, userResourceType, 'create');
    if (!doc.ok) throw new Error(JSON.stringify(doc.error));
    const user = createDirectory({ store }).users.create(doc.value);
    if (!user.ok) throw new Error(JSON.stringify(user.error));
    const { token } = createTokenService(store).create('hostile-bench');
    store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    return { userId: user.value.id, token };
  } finally {
    store.close();
  }
}

export async function run(ctx) {
  const scenario = `forward auth p99, hostile vs idle (${ctx.config.largeUsers / 1000}k users)`;
  const database = await ctx.tenant(ctx.config.largeUsers);
  const port = await freePort();
  const issuer = await startBenchIssuer({ redirectUri: `http://127.0.0.1:${port}/oauth2/callback` });
  let server;
  let hostile;
  try {
    const subject = 'hostile-bench-oid';
    const { userId, token } = await prepare(database, subject);
    const secret = await createBenchSession(database, { userId, issuer: issuer.issuer, subject });
    server = await startSignInScimgate({ database, issuer, port, cpuProfile: ctx.config.cpuProfile, label: 'scimgate-hostile', scim: rateLimit() });
    const headers = { cookie: `${server.cookieName}=${secret}`, 'x-original-url': ORIGINAL_URL };
    const probe = await fetch(`${server.url}/oauth2/auth`, { headers });
    if (probe.status !== 202) throw new Error(`forward auth with the bench session answered ${probe.status}`);
    const shape = { url: server.url, headers, cpuSeconds: server.cpuSeconds, connections: CONNECTIONS, requests: [{ path: '/oauth2/auth' }] };

    await ctx.load({ ...shape, duration: ctx.config.warmup, warmup: 0 });
    const underAttack = async () => {
      hostile = await startHostileClientProcess({ url: server.url, token, ignoreRateLimit: process.env.BENCH_HOSTILE_IGNORE_429 === '1', ...hostileParts() });
      try {
        // Let the attack reach its steady state (search thread busy, slow connections open) first.
        await new Promise((resolve) => setTimeout(resolve, 1000));
        return await ctx.load({ ...shape, warmup: 0 });
      } finally {
        await hostile.stop();
      }
    };
    ctx.log(`${scenario}: ${Math.max(2, ctx.config.rounds)} alternating rounds`);
    const { a, b, ratios } = await alternate(Math.max(2, ctx.config.rounds), underAttack, () => ctx.load({ ...shape, warmup: 0 }));
    const row = loadRow({ issue, scenario, measure: a, baseline: b, ratios, versus: 'idle', maxP99Ratio: MAX_P99_RATIO });
    const { stats } = hostile;
    return [
      {
        ...row,
        note: `idle p99 ${b.p99?.toFixed(2)} ms, hostile p99 ${a.p99?.toFixed(2)} ms; last hostile round: heavy searches by status ${JSON.stringify(stats.heavy)}, ${stats.slowConnections} slow connections (${stats.slowClosedByServer} closed by the server), ${stats.trickledBytes} bytes trickled`,
      },
    ];
  } catch (error) {
    return [errorRow(issue, scenario, error)];
  } finally {
    await hostile?.stop();
    await server?.stop();
    await issuer.close();
  }
}
