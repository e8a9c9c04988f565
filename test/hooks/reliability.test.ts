// Issue 14's reliability acceptance against real server processes (`scimgate serve` from source,
// spawned, on a temp SQLite file), real SCIM PATCHes (Entra's `active "False"`) over loopback
// HTTP, and a receiver that verifies every webhook with the `standardwebhooks` package:
// - the receiver refuses connections for a whole burst of deprovisionings, then comes back;
// - the server is killed with SIGKILL half-way through a burst while delivering, and restarted;
// - two servers share one database and one subscriber.
// Each time: no event lost, order kept, duplicates only as the same event under the same id (none
// at all with two processes). Sized by HOOKS_RELIABILITY_BURST (default 200; the bench runs 2,000:
// bench/scenarios/issue-14-hooks-reliability.mjs). Bounded by counts; the per-test timeouts are
// hang guards — a server killed while sending holds its lease until it expires, and another
// process takes over then.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createDirectory } from '../../src/directory/index.js';
import { openStore } from '../../src/store/index.js';
import { startChild, waitForHttp, type RunningChild } from '../e2e/support/child-process.js';
import { freePort } from '../support/free-port.js';
import { allDeactivationsDelivered, auditDeliveries } from '../support/hook-audit.js';
import { startWebhookReceiver, type ReceiverMode, type WebhookReceiver } from '../support/webhook-receiver.js';

const BURST = Number(process.env.HOOKS_RELIABILITY_BURST ?? 200);
const CLI = resolve(import.meta.dirname, '../../src/cli/index.ts');
const TOKEN = `reliability-${randomBytes(16).toString('hex')}`;
const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const HANG_GUARD_MS = 300_000;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Stage {
  database: string;
  config: string;
  userIds: string[];
  receiver: WebhookReceiver;
}

/** A database with BURST active users, a receiver in `mode`, and a config subscribing it to every event. */
async function stage(mode: ReceiverMode): Promise<Stage> {
  const dir = mkdtempSync(join(tmpdir(), 'scimgate-hooks-reliability-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const database = join(dir, 'scimgate.db');
  const store = openStore(database);
  const directory = createDirectory({ store });
  const userIds = store.writes.write(() =>
    Array.from({ length: BURST }, (_, i) => {
      const created = directory.users.create({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `burst${i}@example.com`, active: true });
      if (!created.ok) throw new Error(created.error.detail);
      return created.value.id;
    }),
  );
  store.close();
  const receiver = await startWebhookReceiver({ secrets: [SECRET], mode });
  cleanups.push(() => receiver.close());
  const config = join(dir, 'scimgate.yaml');
  writeFileSync(
    config,
    stringify({
      hooks: {
        pollInterval: '200ms',
        webhooks: [{ name: 'reliability', url: receiver.url, secrets: [{ value: SECRET }], timeout: '2s', backoff: { initial: '100ms', max: '500ms' } }],
      },
    }),
  );
  return { database, config, userIds, receiver };
}

interface Server {
  origin: string;
  child: RunningChild;
}

async function serve(s: Stage, name: string): Promise<Server> {
  const port = await freePort();
  const clear = Object.fromEntries(Object.keys(process.env).filter((k) => k.startsWith('SCIMGATE_') || k === 'HOST' || k === 'PORT').map((k) => [k, undefined]));
  const child = startChild({
    name,
    command: process.execPath,
    args: ['--import', 'tsx', CLI, 'serve', '--config', s.config],
    env: { ...clear, SCIMGATE_DATABASE: s.database, HOST: '127.0.0.1', PORT: String(port), SCIMGATE_SCIM_TOKEN: TOKEN, SCIMGATE_LOG_LEVEL: 'warn' },
  });
  cleanups.push(() => child.stop());
  const origin = `http://127.0.0.1:${port}`;
  await waitForHttp(child, `${origin}/healthz`, 60_000);
  return { origin, child };
}

/** Deactivates `userIds` through `server`, 8 at a time; the ids whose PATCH answered 2xx. `onAnswer` sees the count so far. */
async function deactivate(server: Server, userIds: readonly string[], onAnswer?: (committed: number) => void): Promise<{ committed: string[]; failed: number }> {
  const committed: string[] = [];
  let failed = 0;
  let next = 0;
  const body = JSON.stringify({ schemas: [PATCH_SCHEMA], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
  const worker = async () => {
    while (next < userIds.length) {
      const id = userIds[next++] as string;
      try {
        const res = await fetch(`${server.origin}/scim/v2/Users/${id}`, {
          method: 'PATCH',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' },
          body,
        });
        await res.arrayBuffer();
        if (res.ok) committed.push(id);
        else failed++;
      } catch {
        failed++;
      }
      onAnswer?.(committed.length);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return { committed, failed };
}

describe('Issue 14 reliability: webhooks survive a dead receiver, a crash and a second process', () => {
  it(`receiver refusing connections for a whole burst of ${BURST} deprovisionings, then back: none lost, order kept`, async () => {
    const s = await stage({ kind: 'refuse' });
    const server = await serve(s, 'scimgate');
    const { committed, failed } = await deactivate(server, s.userIds);
    expect({ committed: committed.length, failed }).toEqual({ committed: BURST, failed: 0 });
    expect(s.receiver.deliveries).toHaveLength(0);
    await s.receiver.setMode({ kind: 'up' });
    await s.receiver.untilDeliveries((all) => allDeactivationsDelivered(all, committed));
    expect(auditDeliveries(s.receiver.deliveries, committed)).toMatchObject({ lost: [], orderViolations: 0, duplicatesUnderAnotherId: 0 });
  }, HANG_GUARD_MS);

  it(`kill -9 half-way through ${BURST} deprovisionings while delivering, restart: none lost, order kept`, async () => {
    const s = await stage({ kind: 'up' });
    const first = await serve(s, 'scimgate-1');
    let killed: Promise<void> | undefined;
    const exited = new Promise<void>((done) => first.child.process.once('exit', () => done()));
    const before = await deactivate(first, s.userIds, (n) => {
      if (n >= BURST / 2 && !killed) {
        first.child.process.kill('SIGKILL');
        killed = exited;
      }
    });
    await killed;
    expect(first.child.process.signalCode).toBe('SIGKILL');
    // Restarted on the same file: the rest of the burst, and any whose answer the crash swallowed.
    const second = await serve(s, 'scimgate-2');
    const answered = new Set(before.committed);
    const after = await deactivate(second, s.userIds.filter((id) => !answered.has(id)));
    expect(after.failed).toBe(0);
    const committed = [...before.committed, ...after.committed];
    expect(new Set(committed).size).toBe(BURST);
    await s.receiver.untilDeliveries((all) => allDeactivationsDelivered(all, committed));
    expect(auditDeliveries(s.receiver.deliveries, committed)).toMatchObject({ lost: [], orderViolations: 0, duplicatesUnderAnotherId: 0 });
  }, HANG_GUARD_MS);

  it(`two processes on one database, ${BURST} deprovisionings split between them: every event once, none twice`, async () => {
    const s = await stage({ kind: 'up' });
    const [a, b] = await Promise.all([serve(s, 'scimgate-a'), serve(s, 'scimgate-b')]);
    const halves = [s.userIds.filter((_, i) => i % 2 === 0), s.userIds.filter((_, i) => i % 2 === 1)];
    const [ra, rb] = await Promise.all([deactivate(a, halves[0] as string[]), deactivate(b, halves[1] as string[])]);
    expect(ra.failed + rb.failed).toBe(0);
    const committed = [...ra.committed, ...rb.committed];
    await s.receiver.untilDeliveries((all) => allDeactivationsDelivered(all, committed));
    expect(auditDeliveries(s.receiver.deliveries, committed)).toEqual({ lost: [], orderViolations: 0, duplicates: 0, duplicatesUnderAnotherId: 0 });
    expect(s.receiver.duplicateIds()).toEqual([]);
  }, HANG_GUARD_MS);
});
