/**
 * Issue 13: access policies over the live directory at Entra scale (100k users, 10k groups, 1M
 * memberships — the nested-groups tenant, seeded once and cached):
 *   - GET /oauth2/auth 202 under a 50-rule policy mixing groups (nested), enterprise attributes,
 *     a SCIM filter and path matches, beside a bare hono 202 in the same run (≥ 0.6×, p99 ≤ 1.5×);
 *   - `scimgate access review` of a route gated by a group at the top of a 10-deep chain (every
 *     user evaluated), in a child process: wall time (≤ 10 s) and its peak RSS.
 * BENCH_POLICY_SMALL=1 uses a 2k-user tenant instead (a quick check that the scenario works).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import { ROOT } from '../lib/config.mjs';
import { freePort } from '../lib/processes.mjs';
import { errorRow, loadRow, metricRow } from '../lib/rows.mjs';
import { createBenchSession, startBenchIssuer, startSignInScimgate } from '../lib/sign-in-server.mjs';

export const issue = 13;
export const title = 'policy decision under a 50-rule policy, and access review, at 100k/10k/1M';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const DIST = process.env.BENCH_SCIMGATE_DIST ?? join(ROOT, 'dist');
const dist = (path) => import(pathToFileURL(join(DIST, path)).href);
const DEPARTMENTS = ['Engineering', 'Sales', 'Finance', 'Support', 'Marketing', 'Legal', 'Operations', 'People'];

/**
 * 50 rules: 20 deny rules that do not hold for the bench user (groups it is not in, departments
 * and a SCIM filter that do not match, paths it does not ask for), then 30 allow rules, the one
 * that holds last — so a decision evaluates every rule, as a worst case.
 */
function fiftyRulePolicy(allowGroup) {
  const rules = [];
  for (let i = 0; i < 10; i++) rules.push({ deny: { or: [{ groups: { has: `Seed Group ${9000 + i}` } }] } });
  for (let i = 0; i < 5; i++) rules.push({ deny: { and: [{ [`attribute/${ENTERPRISE}:department`]: `Nope ${i}` }] } });
  for (let i = 0; i < 3; i++) rules.push({ deny: { and: [{ scim_filter: `userName eq "nobody-${i}@example.com" or title eq "Intern ${i}"` }] } });
  for (let i = 0; i < 2; i++) rules.push({ deny: { and: [{ http_path: { starts_with: `/private-${i}/` } }] } });
  for (let i = 0; i < 10; i++) rules.push({ allow: { and: [{ groups: { has: `Seed Group ${8000 + i}` } }, { http_path: { starts_with: '/x' } }] } });
  for (let i = 0; i < 10; i++) rules.push({ allow: { and: [{ [`attribute/${ENTERPRISE}:department`]: `Other ${i}` }] } });
  for (let i = 0; i < 9; i++) rules.push({ allow: { and: [{ scim_filter: `userType eq "Robot ${i}"` }] } });
  rules.push({
    allow: {
      and: [{ groups: { has: allowGroup } }, { [`attribute/${ENTERPRISE}:department`]: { in: DEPARTMENTS } }, { scim_filter: 'active eq true and emails[type eq "work"]' }, { http_path: { starts_with: '/x' } }],
    },
  });
  if (rules.length !== 50) throw new Error(`expected 50 rules, built ${rules.length}`);
  return rules;
}

/** The user at the bottom of the first chain (member through 10 levels) and the chain's top group. */
async function pickUser(database) {
  const { openStore } = await dist('store/index.js');
  const store = openStore(database);
  try {
    const top = 'Seed Group 0'; // the top of the first 10-deep chain (cli/seed-plan.ts)
    const row = store.sqlite
      .prepare(
        `SELECT u.id AS id, u.external_id AS externalId FROM users u JOIN group_users gu ON gu.user_key = u.key
          JOIN group_closure c ON c.descendant_key = gu.group_key JOIN groups g ON g.key = c.ancestor_key
         WHERE g.display_name = ? LIMIT 1`,
      )
      .get(top);
    if (!row) throw new Error(`no user below ${top}`);
    return { ...row, top };
  } finally {
    store.close();
  }
}

async function tenant(ctx, small) {
  const { seededNestedTenant } = await import('./nested-groups.mjs');
  return seededNestedTenant(small ? { users: 2_000, groups: 200, memberships: 20_000, depth: 10, seed: 1 } : undefined, ctx.log);
}

export async function run(ctx) {
  const small = process.env.BENCH_POLICY_SMALL === '1';
  const source = await tenant(ctx, small);
  const database = join(mkdtempSync(join(tmpdir(), 'scimgate-bench-policy-')), 'tenant.db');
  const { copyFileSync } = await import('node:fs');
  copyFileSync(source, database);
  const rows = [];
  const scale = small ? '2k/200/20k' : '100k/10k/1M';
  const port = await freePort();
  const issuer = await startBenchIssuer({ redirectUri: `http://127.0.0.1:${port}/oauth2/callback` });
  let server;
  try {
    const user = await pickUser(database);
    const policy = fiftyRulePolicy(user.top);
    const routes = [{ host: 'app.example', pathPrefix: '/', policy }];
    const secret = await createBenchSession(database, { userId: user.id, issuer: issuer.issuer, subject: user.externalId ?? 'bench' });
    server = await startSignInScimgate({ database, issuer, port, routes, label: 'scimgate-policy', cpuProfile: ctx.config.cpuProfile });
    const headers = { cookie: `${server.cookieName}=${secret}`, 'x-original-url': 'http://app.example/x/page' };
    const probe = await fetch(`${server.url}/oauth2/auth`, { headers });
    if (probe.status !== 202) throw new Error(`the bench user is not allowed by the 50-rule policy: ${probe.status}`);
    const denied = await fetch(`${server.url}/oauth2/auth`, { headers: { ...headers, 'x-original-url': 'http://app.example/private-1/x' } });
    if (denied.status !== 403) throw new Error(`a denied path answered ${denied.status}, expected 403`);
    const scenario = `GET /oauth2/auth 202, 50-rule policy (groups, attributes, SCIM filter, paths), ${scale}`;
    ctx.log(scenario);
    try {
      const { measure, baseline, ratios } = await ctx.versusBaseline(202, { url: server.url, headers, cpuSeconds: server.cpuSeconds, requests: [{ path: '/oauth2/auth' }] });
      rows.push(loadRow({ issue, scenario, measure, baseline, ratios, versus: 'bare 202', minRpsRatio: 0.6, maxP99Ratio: 1.5 }));
    } catch (error) {
      rows.push(errorRow(issue, scenario, error));
    }
    await server.stop();
    server = undefined;

    // Access review of a route gated by the top of a 10-deep chain, as an operator runs it.
    const dir = mkdtempSync(join(tmpdir(), 'scimgate-bench-review-'));
    const config = join(dir, 'scimgate.yaml');
    writeFileSync(config, stringify({ database: { path: database }, routes: [{ host: 'app.example', pathPrefix: '/', allowedGroups: [user.top] }] }));
    try {
      const review = await timedChild([join(DIST, 'cli/index.js'), 'access', 'review', '--url', 'https://app.example/x', '--format', 'csv', '--config', config]);
      const reviewScenario = `access review, nested-group route (top of a 10-deep chain), ${scale}: ${review.lines - 1} users`;
      rows.push(metricRow({ issue, scenario: reviewScenario, value: review.seconds, unit: 's', max: 10 }));
      rows.push(metricRow({ issue, scenario: '… its peak RSS', value: review.peakRssMb, unit: 'MB' }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } catch (error) {
    rows.push(errorRow(issue, 'issue-13 policy scenario', error));
  } finally {
    await server?.stop();
    await issuer.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(database + suffix, { force: true });
  }
  return rows;
}

/** Runs the CLI, timing it and sampling its RSS from /proc every 20 ms. */
function timedChild(args) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SCIMGATE_LOG_LEVEL: 'warn' } });
    let out = '';
    let err = '';
    let peak = 0;
    const sample = setInterval(async () => {
      try {
        const { readFileSync } = await import('node:fs');
        const status = readFileSync(`/proc/${proc.pid}/status`, 'utf8');
        const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
        if (hwm) peak = Math.max(peak, Number(hwm[1]) / 1024);
      } catch {
        // the process has ended
      }
    }, 20);
    proc.stdout.on('data', (chunk) => (out += chunk));
    proc.stderr.on('data', (chunk) => (err += chunk));
    proc.on('error', reject);
    proc.on('exit', (code) => {
      clearInterval(sample);
      if (code !== 0) return reject(new Error(`access review exited ${code}: ${err.slice(-2000)}`));
      resolve({ seconds: Number(process.hrtime.bigint() - started) / 1e9, peakRssMb: peak, lines: out.trim().split('\n').length });
    });
  });
}
