/**
 * Issue 3: nested groups at Entra scale (100k users, 10k groups, 1M memberships, chains 10 deep).
 * Measured in-process against dist/ (after `npm run build`), in a child process so its RSS is the
 * directory's and not the bench runner's:
 *   - effective-groups lookup p50/p99 (directory.effective.effectiveGroups, one prepared query),
 *     beside the cheapest indexed read on the same database in the same run;
 *   - one SCIM PATCH adding 10,000 random user members, beside the same rows written by bare
 *     INSERTs into a copy of the membership table in the same run;
 *   - one SCIM PATCH adding a 10,000-member group under the deepest group of a 10-deep chain,
 *     and the PATCH removing it again;
 *   - the 10k PATCH and the nesting again with a user.groups_changed subscriber (events worked out
 *     and appended inside each write);
 *   - RSS after opening the seeded tenant and running the above; database size.
 * The tenant is seeded once (in-process through the directory API; `scimgate seed` is the HTTP
 * path) into a cached file; measurements run on a private copy so the cache is never changed.
 *
 * Usage outside the runner: `node bench/scenarios/nested-groups.mjs [db-path]`.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const issue = 3;
export const title = 'nested groups: effective lookup, 10k-member PATCHes, nesting under a 10-deep chain';

const SHAPE = { users: 100_000, groups: 10_000, memberships: 1_000_000, depth: 10, seed: 1 };
const TARGETS = { effectiveLookupP99Ms: 0.2, patch10kMs: 150, add10kGroupUnderChainMs: 300, rssMb: 300 };
const SELF = fileURLToPath(import.meta.url);
const DIST = new URL('../../dist/', import.meta.url);
const CHUNK = 5000;

const dist = (path) => import(new URL(path, DIST).href);
const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const fileMb = (path) => (existsSync(path) ? statSync(path).size : 0) / 1024 / 1024;

/** SCIM calls into the app in process; a refusal throws with its answer. */
function scimClient(app, token) {
  return async (method, path, body) => {
    const res = await app.request(`http://bench.local/scim/v2${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
    return res.status === 204 ? undefined : res.json();
  };
}

function unwrap(result) {
  if (!result.ok) throw new Error(`seeding failed: ${result.error.detail}`);
  return result.value;
}

/** Seed the tenant through the directory API, in outer transactions of CHUNK writes. */
async function seedInProcess(dbPath, log, shape = SHAPE) {
  const { openStore } = await dist('store/index.js');
  const { createDirectory } = await dist('directory/index.js');
  const { planTenant, memberIndexes } = await dist('cli/seed-plan.js');
  const partial = `${dbPath}.partial`;
  for (const suffix of ['', '-wal', '-shm']) rmSync(partial + suffix, { force: true });
  mkdirSync(dirname(dbPath), { recursive: true });
  const store = openStore(partial);
  const directory = createDirectory({ store });
  const plan = planTenant(shape);
  const inTx = (fn) => store.sqlite.transaction(fn)();
  const started = process.hrtime.bigint();
  const userIds = [];
  for (let i = 0; i < shape.users; i += CHUNK) {
    inTx(() => {
      for (let k = i; k < Math.min(i + CHUNK, shape.users); k++) userIds.push(unwrap(directory.users.create(plan.userDoc(k))).id);
    });
  }
  log(`seeded ${userIds.length} users (${(ms(started) / 1000).toFixed(1)} s)`);
  const groupIds = [];
  inTx(() => {
    for (let j = 0; j < shape.groups; j++) groupIds.push(unwrap(directory.groups.create(plan.groupDoc(j))).id);
  });
  let edges = 0;
  let pending = 0;
  let tx = [];
  const flush = () => {
    const batch = tx;
    tx = [];
    pending = 0;
    inTx(() => batch.forEach((fn) => fn()));
  };
  for (let j = 0; j < shape.groups; j++) {
    const window = plan.groupMembers(j);
    for (let from = 0; from < window.size; from += CHUNK) {
      const members = memberIndexes(window, shape.users, from, from + CHUNK).map((i) => ({ value: userIds[i], type: 'User' }));
      tx.push(() => unwrap(directory.groups.modify(groupIds[j], undefined, [{ kind: 'add', members }])));
      edges += members.length;
      pending += members.length;
      if (pending >= 50_000) flush();
    }
    if (j % 1000 === 999) log(`seeded members of ${j + 1} groups (${edges} memberships, ${(ms(started) / 1000).toFixed(1)} s)`);
  }
  flush();
  inTx(() => {
    for (const [parent, child] of plan.nesting) {
      unwrap(directory.groups.modify(groupIds[parent], undefined, [{ kind: 'add', members: [{ value: groupIds[child], type: 'Group' }] }]));
    }
  });
  store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  store.close();
  renameSync(partial, dbPath);
  log(`seeded ${edges} memberships, ${plan.nesting.length} nesting edges in ${(ms(started) / 1000).toFixed(1)} s → ${dbPath}`);
}

/** The measurement itself; runs in the child. */
async function measureInProcess(dbPath) {
  const { openStore, startCheckpointer } = await dist('store/index.js');
  const { createDirectory } = await dist('directory/index.js');
  const { createTokenService } = await dist('tokens/index.js');
  const { createApp } = await dist('app.js');
  const { planTenant } = await dist('cli/seed-plan.js');
  const work = join(tmpdir(), `scimgate-nested-${process.pid}.db`);
  copyFileSync(dbPath, work);
  const store = openStore(work);
  // As `scimgate serve` runs it: checkpoints in a worker, not inside the commit of a PATCH.
  const checkpointer = startCheckpointer(store);
  try {
    const directory = createDirectory({ store });
    const tokens = createTokenService(store);
    const { token } = tokens.create(`bench-${process.pid}`);
    const app = createApp({ directory, tokens });
    const scim = scimClient(app, token);

    // Effective-groups lookups over random users (a sample large enough to leave the hot cache).
    const sample = store.sqlite.prepare('SELECT id FROM users ORDER BY random() LIMIT 20000').pluck().all();
    for (const id of sample.slice(0, 2000)) directory.effective.effectiveGroups(id);
    const times = [];
    let groupsSeen = 0;
    for (const id of sample) {
      const start = process.hrtime.bigint();
      groupsSeen += directory.effective.effectiveGroups(id).length;
      times.push(ms(start));
    }
    times.sort((a, b) => a - b);
    // Same-run baseline: the cheapest indexed read on the same database (a user's key by id).
    const pointRead = store.sqlite.prepare('SELECT key FROM users WHERE id = ?').pluck();
    for (const id of sample.slice(0, 2000)) pointRead.get(id);
    const pointTimes = [];
    for (const id of sample) {
      const start = process.hrtime.bigint();
      pointRead.get(id);
      pointTimes.push(ms(start));
    }
    pointTimes.sort((a, b) => a - b);

    // One PATCH adding 10,000 user members to an empty group (three groups, median). Random
    // users: members of a real group are not the tenant's consecutive first 10,000, and
    // consecutive keys would land in a few index pages instead of thousands.
    const patchMembers = store.sqlite.prepare('SELECT id FROM users ORDER BY random() LIMIT 10000').pluck().all();
    const addBody = (values) => ({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Add', path: 'members', value: values.map((value) => ({ value })) }],
    });
    const patchTimes = [];
    const bigGroups = [];
    for (let n = 0; n < 3; n++) {
      const created = await scim('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: `Bench 10k ${n}` });
      const start = process.hrtime.bigint();
      await scim('PATCH', `/Groups/${created.id}`, addBody(patchMembers));
      patchTimes.push(ms(start));
      bigGroups.push(created.id);
    }
    // Same-run baseline: the same 10,000 rows written by one bare statement per row into a copy of
    // the membership table (same shape, same 1M rows), in one transaction with its commit.
    store.sqlite.exec(`CREATE TABLE bench_edges (g INTEGER NOT NULL, u INTEGER NOT NULL, PRIMARY KEY (g, u)) WITHOUT ROWID;
      INSERT INTO bench_edges SELECT group_key, user_key FROM group_users ORDER BY 1, 2;
      CREATE INDEX bench_edges_u ON bench_edges (u, g);`);
    const memberKeys = store.sqlite.prepare('SELECT key FROM users WHERE id = ?').pluck();
    const keys = patchMembers.map((id) => memberKeys.get(id)).sort((a, b) => a - b);
    const insertEdge = store.sqlite.prepare('INSERT INTO bench_edges (g, u) VALUES (?, ?)');
    const bareTimes = [];
    for (let n = 0; n < 3; n++) {
      const start = process.hrtime.bigint();
      store.sqlite.transaction(() => {
        for (const key of keys) insertEdge.run(-1 - n, key);
      })();
      bareTimes.push(ms(start));
    }
    store.sqlite.exec('DROP TABLE bench_edges');

    // A group of 100k members read with excludedAttributes=members must cost what an empty one does:
    // the members are rows, and an excluded attribute must not touch them.
    const everyone = store.sqlite.prepare('SELECT id FROM users ORDER BY rowid LIMIT 100000').pluck().all();
    const huge = await scim('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Bench 100k' });
    for (let i = 0; i < everyone.length; i += 10000) await scim('PATCH', `/Groups/${huge.id}`, addBody(everyone.slice(i, i + 10000)));
    const empty = await scim('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Bench empty' });
    // Interleaved (huge, empty, huge, …) so drift on the shared machine hits both sides alike.
    const read = async (id) => {
      const start = process.hrtime.bigint();
      await scim('GET', `/Groups/${id}?excludedAttributes=members`);
      return ms(start);
    };
    const hugeTimes = [];
    const emptyTimes = [];
    for (let i = 0; i < 6000; i++) {
      const [first, second] = i % 2 === 0 ? [huge.id, empty.id] : [empty.id, huge.id];
      const a = await read(first);
      const b = await read(second);
      if (i < 1000) continue; // warm-up
      (first === huge.id ? hugeTimes : emptyTimes).push(a);
      (second === huge.id ? hugeTimes : emptyTimes).push(b);
    }
    const hugeGetMs = median(hugeTimes);
    const emptyGetMs = median(emptyTimes);

    // Nest a 10,000-member group under the deepest group of a 10-deep chain, and take it out again.
    const plan = planTenant(SHAPE);
    const chain = plan.chains[0];
    const groupId = store.sqlite.prepare('SELECT id FROM groups WHERE display_name = ?').pluck();
    const deepest = groupId.get(`Seed Group ${chain[chain.length - 1]}`);
    const top = groupId.get(`Seed Group ${chain[0]}`);
    const addTimes = [];
    const removeTimes = [];
    let inheritedOk = true;
    for (const big of bigGroups) {
      let start = process.hrtime.bigint();
      await scim('PATCH', `/Groups/${deepest}`, addBody([big]));
      addTimes.push(ms(start));
      inheritedOk &&= directory.effective.effectiveGroups(patchMembers[0]).some((g) => g.id === top);
      start = process.hrtime.bigint();
      await scim('PATCH', `/Groups/${deepest}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'Remove', path: `members[value eq "${big}"]` }],
      });
      removeTimes.push(ms(start));
    }
    if (!inheritedOk) throw new Error('a member of the nested 10k group did not inherit the chain top');

    // The same two writes with a hook subscriber taking user.groups_changed, as the server wires it
    // then (src/main.ts): every affected user's gained and lost groups worked out inside the write,
    // and one outbox row per user. Without such a subscriber (above) none of that runs.
    const subscribed = await measureSubscribed({ store, tokens, createApp, createDirectory, patchMembers, addBody, deepest });

    return {
      effectiveLookupP50Ms: quantile(times, 0.5),
      effectiveLookupP99Ms: quantile(times, 0.99),
      pointReadP50Ms: quantile(pointTimes, 0.5),
      pointReadP99Ms: quantile(pointTimes, 0.99),
      bareInsert10kMs: median(bareTimes),
      avgEffectiveGroups: groupsSeen / sample.length,
      patch10kMs: median(patchTimes),
      add10kGroupUnderChainMs: median(addTimes),
      removeItMs: median(removeTimes),
      ...subscribed,
      hugeGroupGetMs: hugeGetMs,
      emptyGroupGetMs: emptyGetMs,
      rssMb: process.memoryUsage().rss / 1024 / 1024,
      dbSizeMb: fileMb(dbPath) + fileMb(`${dbPath}-wal`),
    };
  } finally {
    await checkpointer.stop();
    store.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(work + suffix, { force: true });
  }
}

/** The 10,000-member PATCH and the nesting under the chain again, with user.groups_changed worked out and appended (three of each, medians). */
async function measureSubscribed({ store, tokens, createApp, createDirectory, patchMembers, addBody, deepest }) {
  const { createHookEvents } = await dist('hooks/index.js');
  const hooks = createHookEvents(store);
  const directory = createDirectory({ store, listeners: [hooks.directory], effectiveGroupChanges: () => true });
  const { token } = tokens.create(`bench-subscribed-${process.pid}`);
  const app = createApp({ directory, tokens });
  const scim = scimClient(app, token);
  const head = hooks.outbox.head();
  const patchTimes = [];
  const addTimes = [];
  const removeTimes = [];
  for (let n = 0; n < 3; n++) {
    const created = await scim('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: `Bench 10k subscribed ${n}` });
    let start = process.hrtime.bigint();
    await scim('PATCH', `/Groups/${created.id}`, addBody(patchMembers));
    patchTimes.push(ms(start));
    start = process.hrtime.bigint();
    await scim('PATCH', `/Groups/${deepest}`, addBody([created.id]));
    addTimes.push(ms(start));
    start = process.hrtime.bigint();
    await scim('PATCH', `/Groups/${deepest}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Remove', path: `members[value eq "${created.id}"]` }],
    });
    removeTimes.push(ms(start));
  }
  // Each 10,000-member PATCH gave each member a group (the nesting, most of them several).
  const events = hooks.outbox.head() - head;
  if (events < 3 * patchMembers.length) throw new Error(`expected user.groups_changed for every affected user, got ${events} events`);
  return { subscribedPatch10kMs: median(patchTimes), subscribedAddUnderChainMs: median(addTimes), subscribedRemoveItMs: median(removeTimes), subscribedEvents: events };
}

function child(args, log) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--expose-gc', SELF, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (chunk) => (out += chunk));
    proc.stderr.on('data', (chunk) => String(chunk).split('\n').filter(Boolean).forEach((line) => log(line)));
    proc.on('error', reject);
    proc.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`nested-groups ${args[0]} exited ${code}`))));
  });
}

/** Seed the tenant at `dbPath` unless it is there already. */
async function ensureSeeded(dbPath, log, shape = SHAPE) {
  if (!existsSync(dbPath)) {
    log(`seeding the nested-groups tenant (${shape.users} users, ${shape.groups} groups, ${shape.memberships} memberships, depth ${shape.depth})`);
    await child(['seed', dbPath, JSON.stringify(shape)], log);
  }
}

/** A cached tenant of another shape (issue 13's quick run uses a small one); the default is the 100k/10k/1M one. */
export async function seededNestedTenant(shape, log) {
  if (!shape) return nestedGroupsTenant(log);
  const { CACHE_DIR } = await import('../lib/config.mjs');
  const { migrationHash } = await import('../lib/seed.mjs');
  const dbPath = join(CACHE_DIR, `nested-groups-${shape.users}-${shape.groups}-${shape.memberships}-${shape.depth}-${migrationHash()}.db`);
  await ensureSeeded(dbPath, log, shape);
  return dbPath;
}

/** The cached 100k/10k/1M tenant the runner uses (seeded on first use); copy it before writing. Other scenarios serve it too. */
export async function nestedGroupsTenant(log) {
  const { CACHE_DIR } = await import('../lib/config.mjs');
  const { migrationHash } = await import('../lib/seed.mjs');
  const dbPath = join(CACHE_DIR, `nested-groups-100k-${migrationHash()}.db`);
  await ensureSeeded(dbPath, log);
  return dbPath;
}

/**
 * The issue-3 figures for the tenant cached at `dbPath` (seeded there first when missing).
 * @param {{ dbPath: string, log: (message: string) => void }} input
 */
export async function measureNestedGroups({ dbPath, log }) {
  await ensureSeeded(dbPath, log);
  const out = await child(['measure', dbPath], log);
  return JSON.parse(out.trim().split('\n').pop());
}

/** The bench runner's entry: figures as report rows beside the issue's targets. */
export async function run(ctx) {
  const { metricRow } = await import('../lib/rows.mjs');
  const f = await measureNestedGroups({ dbPath: await nestedGroupsTenant(ctx.log), log: ctx.log });
  ctx.log(`nested groups: ${JSON.stringify(f)}`);
  return [
    metricRow({ issue, scenario: 'effective groups lookup p99 (in-process)', value: f.effectiveLookupP99Ms, unit: 'ms', max: TARGETS.effectiveLookupP99Ms, p50: f.effectiveLookupP50Ms, p99: f.effectiveLookupP99Ms }),
    metricRow({ issue, scenario: '… baseline: indexed point read p99 (same run)', value: f.pointReadP99Ms, unit: 'ms', p50: f.pointReadP50Ms, p99: f.pointReadP99Ms }),
    metricRow({ issue, scenario: 'PATCH adding 10,000 members (random users)', value: f.patch10kMs, unit: 'ms', max: TARGETS.patch10kMs }),
    metricRow({ issue, scenario: '… baseline: the same 10,000 rows by bare INSERTs (same run)', value: f.bareInsert10kMs, unit: 'ms' }),
    metricRow({ issue, scenario: '10k-member group under a 10-deep chain', value: f.add10kGroupUnderChainMs, unit: 'ms', max: TARGETS.add10kGroupUnderChainMs }),
    metricRow({ issue, scenario: '… and removing it again', value: f.removeItMs, unit: 'ms' }),
    metricRow({ issue, scenario: 'with a user.groups_changed subscriber: PATCH adding 10,000 members (10,000 events)', value: f.subscribedPatch10kMs, unit: 'ms' }),
    metricRow({ issue, scenario: '… the 10k-member group under the chain (10,000 events)', value: f.subscribedAddUnderChainMs, unit: 'ms' }),
    metricRow({ issue, scenario: '… and removing it again (10,000 events)', value: f.subscribedRemoveItMs, unit: 'ms' }),
    metricRow({ issue, scenario: 'GET 100k-member group, excludedAttributes=members ÷ empty group', value: f.hugeGroupGetMs / f.emptyGroupGetMs, unit: '×', max: 1.2 }),
    metricRow({ issue, scenario: 'RSS after seeding (directory process)', value: f.rssMb, unit: 'MB', max: TARGETS.rssMb }),
    metricRow({ issue, scenario: 'database size (100k/10k/1M)', value: f.dbSizeMb, unit: 'MB' }),
  ];
}

// Child-process modes, and a direct run for people who want just these figures.
if (process.argv[1] === SELF) {
  const [mode, path, shape] = process.argv.slice(2);
  // A child's lines are prefixed by the parent's log already.
  const log = mode === 'seed' || mode === 'measure' ? (message) => console.error(message) : (message) => console.error(`[nested-groups] ${message}`);
  if (mode === 'seed') await seedInProcess(path, log, shape ? JSON.parse(shape) : SHAPE);
  else if (mode === 'measure') console.log(JSON.stringify(await measureInProcess(path)));
  else console.log(JSON.stringify(await measureNestedGroups({ dbPath: mode ?? join(tmpdir(), 'scimgate-nested-groups.db'), log }), null, 2));
}
