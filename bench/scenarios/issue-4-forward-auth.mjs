/**
 * Issue 4: the forward-auth decision nginx `auth_request` asks for on every proxied request —
 * GET /oauth2/auth with a valid session cookie, for a user in 50 effective groups nested 5 deep,
 * on a group-gated route (`allowed_groups=` the outermost group of one chain) — beside a bare hono
 * handler answering 202, measured in the same run. Also the unauthenticated answer (no cookie → 401).
 *
 * scimgate runs with sign-in configured against a loopback OpenID provider (lib/sign-in-server.mjs);
 * the user, groups and session are written into the seeded tenant through dist/ before it starts.
 */
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { ROOT } from '../lib/config.mjs';
import { freePort } from '../lib/processes.mjs';
import { errorRow, loadRow } from '../lib/rows.mjs';
import { GROUP_SCHEMA, userBody } from '../lib/scim-bodies.mjs';
import { createBenchSession, startBenchIssuer, startSignInScimgate } from '../lib/sign-in-server.mjs';

export const issue = 4;
export const title = 'forward-auth decision (50 groups nested 5 deep) vs a bare hono 202';

const CHAINS = 10;
const DEPTH = 5;
const ORIGINAL_URL = 'http://app.example/x';

const dist = (path) => import(pathToFileURL(join(process.env.BENCH_SCIMGATE_DIST ?? join(ROOT, 'dist'), path)).href);

function unwrap(what, result) {
  if (!result.ok) throw new Error(`${what}: ${JSON.stringify(result.error)}`);
  return result.value;
}

/**
 * One signed-in user in the innermost group of each of CHAINS chains of DEPTH groups
 * (outer ⊃ … ⊃ inner), so their effective groups are CHAINS × DEPTH. Returns the user and the
 * outermost group names.
 */
async function seedGroupedUser(database, subject) {
  const { openStore } = await dist('store/index.js');
  const { createDirectory } = await dist('directory/index.js');
  const { normalizeResource } = await dist('scim/protocol/resource/validate.js');
  const { userResourceType } = await dist('scim/protocol/schemas/index.js');
  const store = openStore(database);
  try {
    const directory = createDirectory({ store });
    const doc = unwrap('normalise the bench user', normalizeResource({ ...userBody('forward-auth-bench'), externalId: subject }, userResourceType, 'create'));
    const user = unwrap('create the bench user', directory.users.create(doc));
    const outermost = [];
    for (let chain = 0; chain < CHAINS; chain++) {
      // Innermost first, so each outer group is created with the previous one as its member.
      let member = { value: user.id, type: 'User' };
      for (let level = DEPTH - 1; level >= 0; level--) {
        const displayName = `FA Chain ${chain} Level ${level}`;
        const group = unwrap(displayName, directory.groups.create({ schemas: [GROUP_SCHEMA], displayName, externalId: `fa-${chain}-${level}` }, [member]));
        member = { value: group.id, type: 'Group' };
        if (level === 0) outermost.push(displayName);
      }
    }
    const effective = directory.effective.effectiveGroups(user.id).length;
    if (effective !== CHAINS * DEPTH) throw new Error(`the bench user has ${effective} effective groups, expected ${CHAINS * DEPTH}`);
    store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    return { userId: user.id, outermost };
  } finally {
    store.close();
  }
}

export async function run(ctx) {
  const database = await ctx.tenant(ctx.config.smallUsers);
  const port = await freePort();
  const issuer = await startBenchIssuer({ redirectUri: `http://127.0.0.1:${port}/oauth2/callback` });
  const rows = [];
  let server;
  try {
    const subject = 'forward-auth-bench-oid';
    const { userId, outermost } = await seedGroupedUser(database, subject);
    const secret = await createBenchSession(database, { userId, issuer: issuer.issuer, subject });
    server = await startSignInScimgate({ database, issuer, port, cpuProfile: ctx.config.cpuProfile, label: 'scimgate-forward-auth' });
    const cookie = `${server.cookieName}=${secret}`;
    // The middle chain's outermost group: allowed only through 4 levels of nesting.
    const gated = `/oauth2/auth?allowed_groups=${encodeURIComponent(outermost[Math.floor(CHAINS / 2)])}`;

    // Check the answers before measuring: a 401/403 is cheaper than an allow and would flatter the figures.
    const probe = await fetch(`${server.url}${gated}`, { headers: { cookie, 'x-original-url': ORIGINAL_URL } });
    const groupsHeader = probe.headers.get('x-auth-request-groups') ?? '';
    ctx.log(`probe: ${probe.status}, X-Auth-Request-User ${probe.headers.get('x-auth-request-user')}, ${groupsHeader.split(',').filter(Boolean).length} groups`);
    if (probe.status !== 202) throw new Error(`GET ${gated} with the bench session answered ${probe.status}: ${await probe.text()}`);
    const denied = await fetch(`${server.url}/oauth2/auth?allowed_groups=${encodeURIComponent('No Such Group')}`, { headers: { cookie, 'x-original-url': ORIGINAL_URL } });
    if (denied.status !== 403) throw new Error(`a group the user is not in answered ${denied.status}, expected 403`);

    const cases = [
      {
        scenario: 'GET /oauth2/auth 202 (50 nested groups, group-gated)',
        headers: { cookie, 'x-original-url': ORIGINAL_URL },
        minRpsRatio: 0.6,
        maxP99Ratio: 1.5,
      },
      { scenario: 'GET /oauth2/auth 401 (no cookie)', headers: { 'x-original-url': ORIGINAL_URL }, expect: 401 },
    ];
    for (const { scenario, headers, minRpsRatio, maxP99Ratio, expect } of cases.filter((c) => !ctx.config.cases || ctx.config.cases.test(c.scenario))) {
      ctx.log(scenario);
      try {
        const { measure, baseline, ratios } = await ctx.versusBaseline(202, { url: server.url, headers, cpuSeconds: server.cpuSeconds, requests: [{ path: gated }] });
        rows.push(
          expect === undefined
            ? loadRow({ issue, scenario, measure, baseline, ratios, versus: 'bare 202', minRpsRatio, maxP99Ratio })
            : expectedStatusRow({ scenario, measure, baseline, expect, seconds: ctx.config.duration * ctx.config.rounds }),
        );
      } catch (error) {
        rows.push(errorRow(issue, scenario, error));
      }
    }
  } finally {
    await server?.stop();
    await issuer.close();
  }
  return rows;
}

/**
 * A load whose every answer should be `expect` (not 2xx): throughput only, since the load
 * generator keeps latencies of 2xx answers alone. Any other status makes it INVALID.
 */
function expectedStatusRow({ scenario, measure, baseline, expect, seconds }) {
  const got = measure.statusCodes[String(expect)] ?? 0;
  const wrong = measure.requests - got + measure.errors + measure.timeouts;
  const rps = got / seconds;
  return {
    issue,
    scenario,
    rps,
    versus: 'bare 202',
    rpsRatio: rps / baseline.rps,
    ...(measure.cpuUsPerRequest !== undefined && baseline.cpuUsPerRequest ? { cpuRatio: measure.cpuUsPerRequest / baseline.cpuUsPerRequest } : {}),
    target: '',
    status: wrong === 0 ? 'INFO' : 'INVALID',
    ...(wrong === 0 ? {} : { note: `expected only ${expect}: ${JSON.stringify(measure.statusCodes)}, errors ${measure.errors}, timeouts ${measure.timeouts}` }),
    measure,
  };
}
