// Slow clients against a real listening server (startServer over a temp database): past the
// configured header or request timeout node answers 408 and closes, bearer token or not, and
// a body under way holds nothing that other clients' writes wait for. Tiny timeouts keep the
// tests short; nothing here measures how long anything took.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, type ConfigOverrides } from '../../src/config/index.js';
import { createLogger } from '../../src/http/logger.js';
import { checkingIntervalMs } from '../../src/http/server-timeouts.js';
import { startServer, type RunningServer } from '../../src/main.js';
import { freePort } from '../support/free-port.js';

const TOKEN = 'slow-client-test-token-0123456789abcdef';
const dirs: string[] = [];
const running: RunningServer[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(running.splice(0).map((s) => s.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});


async function serve(timeouts: NonNullable<ConfigOverrides['server']>['timeouts']): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'scimgate-timeouts-'));
  dirs.push(dir);
  const port = await freePort();
  const loaded = loadConfig({
    env: { SCIMGATE_SCIM_TOKEN: TOKEN },
    overrides: { server: { host: '127.0.0.1', port, timeouts }, database: { path: join(dir, 'scimgate.db') } },
  });
  if (!loaded.ok) throw new Error(loaded.error.message);
  running.push(await startServer(loaded.value, { logger: createLogger({ level: 'silent' }) }));
  return port;
}

interface Dribble {
  /** Everything the server sent, once it closed the connection. */
  closed: Promise<string>;
  isClosed(): boolean;
}

/** Sends `head` at once, then `piece` every 20 ms, forever: a client that never finishes its request. */
function dribble(port: number, head: string, piece: string): Dribble {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  let received = '';
  let closed = false;
  socket.setEncoding('utf8');
  socket.on('data', (chunk) => (received += chunk));
  socket.on('error', () => {}); // a reset after the 408 is the server closing too
  const timer = setInterval(() => socket.writable && socket.write(piece), 20);
  socket.write(head);
  return {
    closed: new Promise((resolve) =>
      socket.on('close', () => {
        clearInterval(timer);
        closed = true;
        resolve(received);
      }),
    ),
    isClosed: () => closed,
  };
}

const userBody = (userName: string) => JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName });
const postHead = (length: number) =>
  `POST /scim/v2/Users HTTP/1.1\r\nHost: scim.test\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/scim+json\r\nContent-Length: ${length}\r\n\r\n`;

async function scim(port: number, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}/scim/v2${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/scim+json' },
  });
}

describe('slow clients are bounded', () => {
  it('a client that sends its headers slowly gets 408 and loses the connection', async () => {
    const port = await serve({ headers: '150ms', request: '300ms' });
    const client = dribble(port, 'GET /healthz HTTP/1.1\r\nHost: scim.test\r\n', 'X-Slow: 1\r\n');
    expect(await client.closed).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('a bearer-token holder that sends its body slowly gets 408, and nothing is stored', async () => {
    const port = await serve({ headers: '150ms', request: '300ms' });
    const body = userBody('slow@example.com');
    // Content-Length promises far more than is ever sent: the body never completes.
    const client = dribble(port, postHead(body.length + 100_000) + body, ' ');
    expect(await client.closed).toMatch(/^HTTP\/1\.1 408 /);
    const list = await scim(port, '/Users');
    expect(list.status).toBe(200);
    expect(((await list.json()) as { totalResults: number }).totalResults).toBe(0);
  });

  it('a body under way holds no write lock: another client\'s write is answered meanwhile', async () => {
    // A request timeout far longer than this test: the slow client is still sending when the fast one is answered.
    const port = await serve({ headers: '10s', request: '60s' });
    const slow = dribble(port, postHead(100_000) + '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"slow@example.com","displayName":"', 'x');
    const fast = await scim(port, '/Users', { method: 'POST', body: userBody('fast@example.com') });
    expect(fast.status).toBe(201);
    expect(slow.isClosed()).toBe(false);
  });

  it('an idle keep-alive connection is closed after the keep-alive timeout', async () => {
    const port = await serve({ keepAlive: '100ms' });
    const client = dribble(port, 'GET /healthz HTTP/1.1\r\nHost: scim.test\r\n\r\n', '');
    const answer = await client.closed;
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).toContain('Connection: keep-alive');
  });

  it('node checks for overdue requests often enough for the shortest limit, at most every second', () => {
    expect(checkingIntervalMs({ headersMs: 15_000, requestMs: 30_000, keepAliveMs: 5_000 })).toBe(1000);
    expect(checkingIntervalMs({ headersMs: 200, requestMs: 400, keepAliveMs: 5_000 })).toBe(50);
    expect(checkingIntervalMs({ headersMs: 1, requestMs: 1, keepAliveMs: 1 })).toBe(10);
  });
});
