// Several processes on one database file: a write — its body sent with its headers or after them —
// takes the write lock up front and waits (bounded) for another process to release it; past the
// wait it answers 503 with Retry-After in SCIM's format. Never a 500.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNodeListener } from '../../src/app.js';
import { createDirectory } from '../../src/directory/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { createTokenService } from '../../src/tokens/index.js';
import { sendInOneBatch, type RawRequest } from '../support/one-batch.js';

let dir: string;
let file: string;
let store: Store | undefined;
let server: Server | undefined;
let other: Database.Database | undefined;
let token: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'scimgate-busy-'));
  file = join(dir, 'db.sqlite');
});
afterEach(async () => {
  if (server) {
    server.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  }
  other?.close();
  store?.close();
  server = undefined;
  other = undefined;
  store = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function startServer(busyTimeoutMs: number): Promise<Server> {
  store = openStore(file, { busyTimeoutMs });
  const tokens = createTokenService(store);
  token = tokens.create('test').token;
  const directory = createDirectory({ store });
  const s = createServer(createNodeListener({ directory, tokens }).listener);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  server = s;
  return s;
}

const newUser = (userName: string, lateBytes = 0): RawRequest => {
  const body = JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName });
  return {
    method: 'POST',
    path: '/scim/v2/Users',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' },
    body,
    ...(lateBytes > 0 ? { lateBytes } : {}),
  };
};

/**
 * Another process's connection, in a thread of its own (this thread's writes wait synchronously),
 * holding the write lock until `release(ms)`: it then keeps it `ms` longer and commits a change.
 * A transaction that read before that commit can no longer write (SQLITE_BUSY_SNAPSHOT): only one
 * that took the lock before reading can.
 */
async function holdWriteLockElsewhere(): Promise<{ release(ms: number): Promise<void> }> {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const db = new (require(workerData.driver))(workerData.file);
    db.exec('BEGIN IMMEDIATE');
    parentPort.once('message', (ms) => {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
      db.prepare("INSERT INTO server_keys (name, key, created_at) VALUES ('elsewhere', x'00', '')").run();
      db.exec('COMMIT');
      db.close();
      parentPort.close();
    });
    parentPort.postMessage('locked');
  `;
  const worker = new Worker(code, { eval: true, workerData: { driver, file } });
  await new Promise<void>((resolve, reject) => worker.once('message', () => resolve()).once('error', reject));
  return {
    release(ms) {
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage(ms);
      return exited;
    },
  };
}

const userNames = () => (store as Store).sqlite.prepare('SELECT user_name FROM users ORDER BY user_name').pluck().all();

describe('several processes on one database', () => {
  it('a write whose body arrives after its headers waits for the other process\'s write lock, then stores (201, not 500)', async () => {
    const s = await startServer(5000);
    // The token's first use is written down (its last-use time): done here, so that it is not what meets the lock.
    await sendInOneBatch(s, [[{ method: 'GET', path: '/scim/v2/Users', headers: { Authorization: `Bearer ${token}` } }]]);
    const lock = await holdWriteLockElsewhere();
    // Released 300 ms from now; the body's last bytes arrive 50 ms after its headers (sendInOneBatch).
    const released = lock.release(300);
    const [answers] = await sendInOneBatch(s, [[newUser('late.body@example.com', 20)]]);
    const answer = answers?.[0];
    await released;
    expect(answer?.status).toBe(201);
    expect(userNames()).toEqual(['late.body@example.com']);
  });

  it('a write whose body arrives after its headers answers 503 with Retry-After when the lock stays taken past the wait', async () => {
    const s = await startServer(100);
    other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    const [answers] = await sendInOneBatch(s, [[newUser('late.body@example.com', 20)]]);
    const answer = answers?.[0];
    other.exec('COMMIT');
    expect(answer?.status).toBe(503);
    expect(answer?.headers['retry-after']).toBe('1');
    expect(answer?.headers['content-type']).toContain('application/scim+json');
    const body = JSON.parse(answer?.body ?? '{}') as { schemas: string[]; status: string; detail: string };
    expect(body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
    expect(body.status).toBe('503');
    expect(body.detail).toMatch(/busy/);
    expect(userNames()).toEqual([]);
  });

  it('writes of one batch answer 503 with Retry-After, not 500, when the lock stays taken past the wait', async () => {
    const s = await startServer(100);
    other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    const answers = await sendInOneBatch(s, [[newUser('a@example.com')], [newUser('b@example.com')], [newUser('c@example.com')]]);
    other.exec('COMMIT');
    expect(answers.map(([a]) => a?.status)).toEqual([503, 503, 503]);
    expect(answers.map(([a]) => a?.headers['retry-after'])).toEqual(['1', '1', '1']);
    expect(userNames()).toEqual([]);
    // Once the other process lets go, the same writes store.
    const again = await sendInOneBatch(s, [[newUser('a@example.com')], [newUser('b@example.com', 20)]]);
    expect(again.map(([a]) => a?.status)).toEqual([201, 201]);
  });
});
