/**
 * Issue 14, reliability, with the built server as users run it (`node dist/cli/index.js serve`)
 * on a temp SQLite file and real SCIM PATCHes (`active "False"`) over HTTP; the receiver verifies
 * every webhook with `standardwebhooks`. Each case deactivates BENCH_HOOK_BURST users (default
 * 2,000) and counts, per subscriber: events lost (a committed deactivation never delivered), order
 * violations (the sequence going back), and duplicates — allowed only as the same event under the
 * same id (at-least-once); the two-process case allows none at all.
 *
 * - down: the receiver refuses connections for the whole burst, then comes back;
 * - kill -9: the server is SIGKILLed half-way through the burst (deliveries in flight), restarted
 *   on the same file, and the rest of the burst sent;
 * - two processes: two servers on one database, the burst split between them, one receiver.
 *
 * Bounded by counts; BENCH_HOOK_WAIT_SECONDS (default 300) only guards against a hang.
 */
import { audit, eventOf, hooksConfigFile, patchMany } from '../lib/hooks.mjs';
import { errorRow, metricRow } from '../lib/rows.mjs';
import { newWebhookSecret, startReceiver } from '../lib/webhook-receiver.mjs';

export const issue = 14;
export const title = 'hooks reliability: receiver down for a burst, kill -9 mid-burst, two processes on one database';

const burst = () => Number(process.env.BENCH_HOOK_BURST ?? 2_000);
const waitSeconds = () => Number(process.env.BENCH_HOOK_WAIT_SECONDS ?? 300);

export async function run(ctx) {
  const rows = [];
  const only = (name) => !ctx.config.cases || ctx.config.cases.test(name);
  for (const [name, fn] of [['down', receiverDown], ['kill', killed], ['two', twoProcesses]]) {
    if (!only(name)) continue;
    try {
      rows.push(...(await fn(ctx)));
    } catch (error) {
      rows.push(errorRow(issue, `hooks reliability: ${name}`, error));
    }
  }
  return rows;
}

/** Waits until the receiver has a deactivation for every one of `userIds`, or the guard runs out. */
async function allDelivered(receiver, userIds) {
  const wanted = new Set(userIds);
  const check = (deliveries) => {
    const seen = new Set(deliveries.map((d) => eventOf(d.body)).filter((e) => e.type === 'user.deactivated').map((e) => e.userId));
    for (const id of wanted) if (!seen.has(id)) return false;
    return true;
  };
  let timer;
  const guard = new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), waitSeconds() * 1000)));
  const outcome = await Promise.race([receiver.until(check).then(() => 'all'), guard]);
  clearTimeout(timer);
  return outcome;
}

function rowsFor(label, result, { seconds, allowDuplicates = true }) {
  return [
    metricRow({ issue, scenario: `${label}: events lost`, value: result.lost, unit: 'events', max: 0 }),
    metricRow({ issue, scenario: `${label}: order violations`, value: result.orderViolations, unit: 'events', max: 0 }),
    metricRow({ issue, scenario: `${label}: duplicates under another id`, value: result.duplicatesWithOtherId, unit: 'events', max: 0 }),
    metricRow({ issue, scenario: `${label}: duplicates (same id)`, value: result.duplicates, unit: 'events', ...(allowDuplicates ? {} : { max: 0 }) }),
    metricRow({ issue, scenario: `${label}: all delivered after`, value: seconds, unit: 's' }),
  ];
}

async function setUp(ctx, label, options = {}) {
  const count = burst();
  const database = await ctx.tenant(Math.max(count, ctx.config.smallUsers));
  const users = ctx.readUsers(database, count);
  const secret = newWebhookSecret();
  const receiver = await startReceiver({ secret, mode: options.receiverMode ?? 'up' });
  const config = hooksConfigFile([{ name: `reliability-${label}`, url: receiver.url, secret }]);
  return { count, database, users, receiver, config };
}

async function receiverDown(ctx) {
  const { count, database, users, receiver, config } = await setUp(ctx, 'down', { receiverMode: 'down' });
  const server = await ctx.scimgate(database, 'hooks-down', { SCIMGATE_CONFIG: config });
  try {
    const { committed, failed } = await patchMany(server, users);
    ctx.log(`down: ${committed.length} of ${count} deactivations answered 2xx (${JSON.stringify(failed)}); receiver delivered ${receiver.deliveries.length} while down`);
    const back = performance.now();
    await receiver.setMode('up');
    const outcome = await allDelivered(receiver, committed);
    const seconds = (performance.now() - back) / 1000;
    const result = audit(receiver.deliveries, committed);
    ctx.log(`down: ${outcome}; ${JSON.stringify(result)}`);
    const rows = rowsFor(`receiver down for ${count} deactivations, then back`, result, { seconds });
    if (committed.length !== count) rows.push(errorRow(issue, 'hooks reliability: down', new Error(`only ${committed.length} of ${count} deactivations answered 2xx: ${JSON.stringify(failed)}`)));
    return rows;
  } finally {
    await server.stop();
    await receiver.close();
  }
}

async function killed(ctx) {
  const { count, database, users, receiver, config } = await setUp(ctx, 'kill');
  let server = await ctx.scimgate(database, 'hooks-kill-a', { SCIMGATE_CONFIG: config });
  const { headers } = server;
  const token = headers.authorization.slice('Bearer '.length);
  try {
    let killing;
    const half = Math.floor(count / 2);
    const first = await patchMany(server, users, {
      onAnswer: (done) => {
        if (done >= half && !killing) killing = server.kill('SIGKILL');
      },
    });
    await killing;
    const deliveredBeforeKill = receiver.deliveries.length;
    ctx.log(`kill: SIGKILL after ${first.committed.length} answered deactivations (${deliveredBeforeKill} webhooks delivered by then; ${JSON.stringify(first.failed)})`);
    // Restarted on the same file with the same bootstrap token: the rest, and those whose answer the crash swallowed.
    server = await ctx.scimgate(database, 'hooks-kill-b', { SCIMGATE_CONFIG: config, SCIMGATE_SCIM_TOKEN: token });
    const answered = new Set(first.committed);
    const restarted = performance.now();
    // The first server's headers: the restarted one bootstraps the same token (its own is unused).
    const second = await patchMany({ ...server, headers }, users.filter((u) => !answered.has(u.id)));
    const committed = [...first.committed, ...second.committed];
    const outcome = await allDelivered(receiver, committed);
    const seconds = (performance.now() - restarted) / 1000;
    const result = audit(receiver.deliveries, committed);
    ctx.log(`kill: ${outcome}; ${JSON.stringify(result)}`);
    const rows = rowsFor(`kill -9 half-way through ${count} deactivations, restart`, result, { seconds });
    if (committed.length !== count) rows.push(errorRow(issue, 'hooks reliability: kill', new Error(`only ${committed.length} of ${count} deactivations answered 2xx after the restart: ${JSON.stringify(second.failed)}`)));
    return rows;
  } finally {
    await server.stop();
    await receiver.close();
  }
}

async function twoProcesses(ctx) {
  const { count, database, users, receiver, config } = await setUp(ctx, 'two');
  const a = await ctx.scimgate(database, 'hooks-two-a', { SCIMGATE_CONFIG: config });
  const token = a.headers.authorization.slice('Bearer '.length);
  const b = await ctx.scimgate(database, 'hooks-two-b', { SCIMGATE_CONFIG: config, SCIMGATE_SCIM_TOKEN: token });
  try {
    const started = performance.now();
    const halves = [users.filter((_, i) => i % 2 === 0), users.filter((_, i) => i % 2 === 1)];
    const [ra, rb] = await Promise.all([patchMany(a, halves[0], { concurrency: 8 }), patchMany({ ...b, headers: a.headers }, halves[1], { concurrency: 8 })]);
    const committed = [...ra.committed, ...rb.committed];
    const outcome = await allDelivered(receiver, committed);
    const seconds = (performance.now() - started) / 1000;
    const result = audit(receiver.deliveries, committed);
    ctx.log(`two processes: ${outcome}; ${JSON.stringify(result)}; failed ${JSON.stringify({ ...ra.failed, ...rb.failed })}`);
    const rows = rowsFor(`two processes on one database, ${count} deactivations`, result, { seconds, allowDuplicates: false });
    if (committed.length !== count) rows.push(errorRow(issue, 'hooks reliability: two', new Error(`only ${committed.length} of ${count} deactivations answered 2xx: ${JSON.stringify({ a: ra.failed, b: rb.failed })}`)));
    return rows;
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    await receiver.close();
  }
}
