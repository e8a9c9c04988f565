/**
 * A hostile SCIM client on loopback, bounded in connections and in time (it runs until stopped):
 * - the costliest filters the server accepts (at the bounds of src/directory/filter-sql/budget.ts:
 *   64 tests on one attribute sharing a subquery, 8 unmergeable searches of multi-valued
 *   attributes, a chain of 64 `not` tests), sorted so no index helps, sent back to back;
 * - request bodies trickled one byte at a time, and request headers held open the same way, each
 *   connection reopened when the server closes it.
 * It counts what it got back, so a run can say whether it was refused (400), turned away (503),
 * throttled (429) or served.
 *
 * `startHostileClientProcess` runs it in a process of its own, as an attacker is: in the process
 * that measures forward auth, reading its ~100 KB answers held up autocannon's event loop, and
 * that wait was counted as forward auth's latency.
 */
import { fork } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';

const TERMS = 64;
const SUBQUERIES = 8;

const chain = (count, term, joiner) => Array.from({ length: count }, (_, i) => term(i)).join(` ${joiner} `);

/** Filters at the bounds, each as expensive as the bounds let it be. */
export const WORST_FILTERS = [
  chain(TERMS, (i) => `emails[value co "zz${i}"]`, 'or'),
  chain(TERMS, (i) => `not (emails.value co "zz${i}")`, 'and'),
  chain(TERMS, (i) => `groups.display co "zz${i}"`, 'or'),
  chain(SUBQUERIES / 2, (i) => `(emails.value co "a${i}" and groups.display co "b${i}")`, 'or'),
  chain(SUBQUERIES / 2, (i) => `(emails.value co "a${i}" and phoneNumbers.value co "b${i}" and name.givenName co "c${i}")`, 'or'),
];

/**
 * `ignoreRateLimit`: send the next request at once after a 429 too, as a client that does not
 * follow Retry-After would (BENCH_HOSTILE_IGNORE_429=1 in the issue-11 scenario).
 * @param {{ url: string, token: string, heavyLoops?: number, slowBodies?: number, slowHeaders?: number, trickleMs?: number, ignoreRateLimit?: boolean }} options
 */
export function startHostileClient({ url, token, heavyLoops = 4, slowBodies = 16, slowHeaders = 16, trickleMs = 200, ignoreRateLimit = false }) {
  const { hostname, port } = new URL(url);
  const stats = { heavy: {}, trickledBytes: 0, slowConnections: 0, slowClosedByServer: 0 };
  let stopped = false;
  const sockets = new Set();
  const timers = new Set();

  async function heavyLoop(n) {
    for (let i = n; !stopped; i++) {
      const filter = WORST_FILTERS[i % WORST_FILTERS.length];
      const path = `/scim/v2/Users?sortBy=title&count=100&filter=${encodeURIComponent(filter)}`;
      try {
        const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
        await response.arrayBuffer();
        stats.heavy[response.status] = (stats.heavy[response.status] ?? 0) + 1;
        // Turned away (503: the search queue is full; 429: over its token's rate limit): wait as
        // told, like a client that follows Retry-After (but no longer) — unless told to ignore 429s.
        const wait = response.status === 503 || (response.status === 429 && !ignoreRateLimit);
        if (wait) await new Promise((resolve) => setTimeout(resolve, 1000 * Number(response.headers.get('retry-after') ?? 1)));
      } catch {
        stats.heavy.error = (stats.heavy.error ?? 0) + 1;
      }
    }
  }

  /** One connection that sends `head` at once, then `trickle` one byte per tick, reopened when closed. */
  function slowConnection(head, trickle) {
    if (stopped) return;
    stats.slowConnections += 1;
    const socket = connect(Number(port), hostname);
    sockets.add(socket);
    let sent = 0;
    let timer;
    socket.on('connect', () => {
      socket.write(head);
      timer = setInterval(() => {
        if (sent >= trickle.length) return;
        socket.write(trickle[sent++]);
        stats.trickledBytes += 1;
      }, trickleMs);
      timers.add(timer);
    });
    socket.on('data', () => {});
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(timer);
      timers.delete(timer);
      sockets.delete(socket);
      if (stopped) return;
      stats.slowClosedByServer += 1;
      setTimeout(() => slowConnection(head, trickle), trickleMs);
    });
  }

  const body = JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `slow-${'x'.repeat(4000)}@example.com` });
  const bodyHead = `POST /scim/v2/Users HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/scim+json\r\nContent-Length: ${body.length}\r\n\r\n`;
  const headerHead = `GET /scim/v2/Users HTTP/1.1\r\nHost: ${hostname}:${port}\r\n`;
  const headerTrickle = `Authorization: Bearer ${token}\r\nX-Slow: ${'y'.repeat(4000)}\r\n\r\n`;

  const loops = Array.from({ length: heavyLoops }, (_, n) => heavyLoop(n));
  for (let n = 0; n < slowBodies; n++) slowConnection(bodyHead, body);
  for (let n = 0; n < slowHeaders; n++) slowConnection(headerHead, headerTrickle);

  return {
    stats,
    async stop() {
      stopped = true;
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      await Promise.all(loops);
    },
  };
}

/**
 * The hostile client in a child process (same options); `stop()` ends it and resolves to its
 * stats, which are also readable as `stats` once stopped.
 * @param {Parameters<typeof startHostileClient>[0]} options
 */
export async function startHostileClientProcess(options) {
  const child = fork(fileURLToPath(import.meta.url), [JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the hostile client exited (${code}) before it started`)));
  });
  const handle = {
    stats: { heavy: {}, trickledBytes: 0, slowConnections: 0, slowClosedByServer: 0 },
    stopping: undefined,
    stop() {
      handle.stopping ??= new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(handle.stats);
        child.once('message', (stats) => Object.assign(handle.stats, stats));
        child.once('exit', () => resolve(handle.stats));
        child.send('stop');
      });
      return handle.stopping;
    },
  };
  return handle;
}

// Run as a child by startHostileClientProcess: start at once, report the stats when told to stop.
if (process.argv[1] === fileURLToPath(import.meta.url) && process.send) {
  const client = startHostileClient(JSON.parse(process.argv[2]));
  process.on('message', async (message) => {
    if (message !== 'stop') return;
    await client.stop();
    process.send(client.stats, () => process.exit(0));
  });
  process.send('started');
}
