/**
 * Issue 11 item 2: two scimgate processes on one database file under mixed SCIM writes, many of
 * whose bodies arrive after their headers (some over 64 KB, which node never reads with the
 * headers), so writes run both inside batches' group commits and on their own, in both processes
 * at once. Every answer is counted by status; the target is no 500 at all. A busy database may
 * answer 503 with Retry-After (counted, and retried by nobody here).
 *
 * Bounded by count, not time: it stops once BENCH_TWO_PROCESS_WRITES writes (default 5,000) have
 * been answered, or after BENCH_TWO_PROCESS_MAX_SECONDS (default 600) whatever the count. Loopback
 * only; one TCP connection per request (Connection: close), so every answer is read whole.
 */
import { connect } from 'node:net';
import { errorRow, metricRow } from '../lib/rows.mjs';
import { replaceDisplayName, userBody } from '../lib/scim-bodies.mjs';

export const issue = 11;
export const title = 'two processes on one database, late bodies: answers by status';

/** Concurrent clients per server. */
const CLIENTS_PER_SERVER = 8;

export async function run(ctx) {
  const writesWanted = Number(process.env.BENCH_TWO_PROCESS_WRITES ?? 5_000);
  const deadline = Date.now() + 1000 * Number(process.env.BENCH_TWO_PROCESS_MAX_SECONDS ?? 600);
  const users = Math.min(ctx.config.smallUsers, 1_000);
  const database = await ctx.tenant(users);
  const seeded = ctx.readUsers(database, users);
  const first = await ctx.scimgate(database, 'two-processes-a');
  // The same bootstrap token: a different one would rotate the first server's token out of the shared database.
  const token = first.headers.authorization.slice('Bearer '.length);
  const second = await ctx.scimgate(database, 'two-processes-b', { SCIMGATE_SCIM_TOKEN: token });
  const servers = [first, second];
  const runId = Date.now().toString(36);
  // A deterministic mix (xorshift), so two runs send the same requests in the same order per client.
  let seed = 0x2545f491;
  const random = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 0x1_0000_0000;
  };
  let sent = 0;
  let writes = 0;
  /** Answers by kind of request and status: { 'POST late': { 201: n, … }, … }. */
  const byKind = {};
  const statuses = {};
  let failures = 0;

  const next = () => {
    const n = sent++;
    const user = seeded[n % seeded.length];
    const pick = random();
    if (pick < 0.35) return { kind: 'POST, body late', write: true, late: true, method: 'POST', path: '/scim/v2/Users', body: JSON.stringify(userBody(`two-${runId}-${n}`, n)) };
    if (pick < 0.6) return { kind: 'PATCH, body late', write: true, late: true, method: 'PATCH', path: `/scim/v2/Users/${user.id}`, body: JSON.stringify(replaceDisplayName(`Late ${runId} ${n}`)) };
    if (pick < 0.7) {
      // Over 64 KB (in two attributes, each under the 64 Ki-character limit): node hands the handler the headers long before the body's end.
      const body = { ...userBody(`two-big-${runId}-${n}`, n), displayName: `Big ${n} ${'x'.repeat(40 * 1024)}`, nickName: 'y'.repeat(30 * 1024) };
      return { kind: 'POST > 64 KB, body late', write: true, late: true, method: 'POST', path: '/scim/v2/Users', body: JSON.stringify(body) };
    }
    if (pick < 0.9) return { kind: 'PATCH, body with headers', write: true, late: false, method: 'PATCH', path: `/scim/v2/Users/${user.id}`, body: JSON.stringify(replaceDisplayName(`Prompt ${runId} ${n}`)) };
    return { kind: 'GET by id', write: false, late: false, method: 'GET', path: `/scim/v2/Users/${user.id}` };
  };

  const client = async (server) => {
    const { port } = new URL(server.url);
    while (writes < writesWanted && Date.now() < deadline) {
      const request = next();
      // The first server's headers for both: the second's own (unused) token is not the shared one.
      const status = await send(Number(port), first.headers, request).catch(() => 'socket error');
      if (request.write) writes++;
      if (status === 'socket error') failures++;
      const kind = (byKind[request.kind] ??= {});
      kind[status] = (kind[status] ?? 0) + 1;
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };

  try {
    const started = Date.now();
    await Promise.all(servers.flatMap((server) => Array.from({ length: CLIENTS_PER_SERVER }, () => client(server))));
    const seconds = (Date.now() - started) / 1000;
    ctx.log(`${writes} writes (${sent} requests) in ${seconds.toFixed(1)} s; statuses ${JSON.stringify(statuses)}`);
    for (const [kind, counts] of Object.entries(byKind)) ctx.log(`  ${kind}: ${JSON.stringify(counts)}`);
    const rows = [
      metricRow({ issue, scenario: `two processes: answers of 500 over ${writes} writes`, value: statuses[500] ?? 0, unit: 'answers', max: 0 }),
      metricRow({ issue, scenario: 'two processes: answers of 503 (busy, Retry-After)', value: statuses[503] ?? 0, unit: 'answers' }),
      metricRow({ issue, scenario: 'two processes: writes per second, both servers', value: writes / seconds, unit: 'writes/s' }),
    ];
    if (writes < writesWanted) rows.push(errorRow(issue, 'two processes', new Error(`stopped at the time limit after ${writes} of ${writesWanted} writes`)));
    if (failures > 0) rows.push(errorRow(issue, 'two processes', new Error(`${failures} requests got no answer (socket error)`)));
    for (const row of rows) row.note ??= JSON.stringify(byKind);
    return rows;
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}

/**
 * One request on its own connection; the status of its answer. A late body is sent 1–15 ms after
 * the headers, in two parts, so the server has handled the headers (and ended their batch) first.
 */
function send(port, headers, request) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const body = request.body === undefined ? undefined : Buffer.from(request.body);
    const head = [
      `${request.method} ${request.path} HTTP/1.1`,
      'Host: 127.0.0.1',
      `Authorization: ${headers.authorization}`,
      'Content-Type: application/scim+json',
      'Connection: close',
      ...(body ? [`Content-Length: ${body.length}`] : []),
      '',
      '',
    ].join('\r\n');
    const chunks = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (match) resolve(Number(match[1]));
      else reject(new Error('no status line'));
    });
    socket.once('connect', () => {
      if (!body || !request.late) {
        socket.write(body ? Buffer.concat([Buffer.from(head), body]) : head);
        return;
      }
      socket.write(head);
      const half = Math.floor(body.length / 2);
      setTimeout(() => {
        socket.write(body.subarray(0, half));
        setTimeout(() => socket.write(body.subarray(half)), 1 + Math.floor(Math.random() * 5));
      }, 1 + Math.floor(Math.random() * 10));
    });
  });
}
