/**
 * Issue 14, deliver 2: webhooks per the Standard Webhooks specification, end to end — a real
 * server (startServer, as `scimgate serve` runs it) with webhooks in its config, and a real
 * loopback receiver (test/support/webhook-receiver.ts) that verifies every delivery with the
 * `standardwebhooks` package, an implementation that is not ours.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, type ConfigFileInput } from '../../src/config/index.js';
import { createLogger } from '../../src/http/logger.js';
import { startServer, type RunningServer } from '../../src/main.js';
import { openStore } from '../../src/store/index.js';
import { freePort } from '../support/free-port.js';
import { startWebhookReceiver, type ReceivedWebhook, type ReceiverOptions, type WebhookReceiver } from '../support/webhook-receiver.js';

const TOKEN = 'webhooks-test-token-0123456789-abcdefghijkl';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Webhooks = NonNullable<NonNullable<ConfigFileInput['hooks']>['webhooks']>;

function newSecret(): string {
  return `whsec_${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64')}`;
}

async function serve(webhooks: Webhooks, env: Record<string, string> = {}): Promise<{ server: RunningServer; database: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'scimgate-webhooks-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const database = join(dir, 'scimgate.db');
  const loaded = loadConfig({
    env,
    overrides: { server: { host: '127.0.0.1', port: await freePort() }, database: { path: database }, scim: { token: TOKEN }, hooks: { pollInterval: '50ms', webhooks } },
  });
  if (!loaded.ok) throw new Error(loaded.error.message);
  const server = await startServer(loaded.value, { logger: createLogger({ level: 'silent' }) });
  cleanups.push(() => server.close());
  return { server, database };
}

async function receiver(options: ReceiverOptions): Promise<WebhookReceiver> {
  const r = await startWebhookReceiver(options);
  cleanups.push(() => r.close());
  return r;
}

function scim(server: RunningServer) {
  return async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}/scim/v2${path}`, {
      method,
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/scim+json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (res.status === 204 ? undefined : await res.json()) as { id: string } };
  };
}

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const deactivate = (call: ReturnType<typeof scim>, id: string) => call('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
interface Body {
  type: string;
  timestamp: string;
  data: { id: string; seq: number; user?: { id: string; userName: string } };
}
const body = (d: ReceivedWebhook) => d.body as Body;

/** Waits until `done` holds, looking every few ms (bounded by the test's hang guard, never asserted on). */
async function eventually(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('Standard Webhooks delivery', () => {
  it('a SCIM deactivation reaches the receiver signed, webhook-id = the event id, the user in the body', async () => {
    const secret = newSecret();
    const r = await receiver({ secrets: [secret] });
    const { server } = await serve([{ name: 'siem', url: r.url, secrets: [{ value: secret }], events: ['user.deactivated', 'user.reactivated'] }]);
    const call = scim(server);
    const { body: alice } = await call('POST', '/Users', { schemas: [USER], userName: 'alice@example.com', externalId: 'oid-1', emails: [{ value: 'alice@example.com', primary: true }] });
    expect((await deactivate(call, alice.id)).status).toBe(200);
    await r.until(1);
    const [hook] = r.deliveries;
    expect(hook?.body).toEqual({
      type: 'user.deactivated',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      data: { id: hook?.id, seq: expect.any(Number), user: { id: alice.id, userName: 'alice@example.com', externalId: 'oid-1', email: 'alice@example.com' } },
    });
    expect(hook?.id).toMatch(/^evt_/);
    expect(r.attempts.map((a) => a.outcome)).toEqual(['accepted']);
  });

  it('rotation: with two secrets (one from env, one from a file), each secret alone verifies every delivery', async () => {
    const [oldSecret, newSecretValue] = [newSecret(), newSecret()];
    const onlyOld = await receiver({ secrets: [oldSecret] });
    const onlyNew = await receiver({ secrets: [newSecretValue] });
    const dir = mkdtempSync(join(tmpdir(), 'scimgate-secret-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'new'), `${newSecretValue}\n`);
    const secrets = [{ env: 'OLD_WEBHOOK_SECRET' }, { file: join(dir, 'new') }];
    const { server } = await serve(
      [
        { name: 'old-side', url: onlyOld.url, secrets, events: ['user.deactivated'] },
        { name: 'new-side', url: onlyNew.url, secrets, events: ['user.deactivated'] },
      ],
      { OLD_WEBHOOK_SECRET: oldSecret },
    );
    const call = scim(server);
    const { body: bob } = await call('POST', '/Users', { schemas: [USER], userName: 'bob@example.com' });
    await deactivate(call, bob.id);
    await onlyOld.until(1);
    await onlyNew.until(1);
    expect(onlyOld.attempts.map((a) => a.outcome)).toEqual(['accepted']);
    expect(onlyNew.attempts.map((a) => a.outcome)).toEqual(['accepted']);
    // A receiver with neither secret refuses it: the signatures are real.
    const stranger = await receiver({ secrets: [newSecret()] });
    const { server: other } = await serve([{ name: 'x', url: stranger.url, secrets, events: ['user.deactivated'] }], { OLD_WEBHOOK_SECRET: oldSecret });
    const call2 = scim(other);
    const { body: carol } = await call2('POST', '/Users', { schemas: [USER], userName: 'carol@example.com' });
    await deactivate(call2, carol.id);
    await eventually(() => stranger.attempts.length > 0);
    expect(stranger.attempts[0]?.outcome).toBe('rejected-signature');
  });

  it('a receiver answering 503, then refusing connections, then hanging past the timeout, then back: every event, in order, duplicates only with the same id', async () => {
    const secret = newSecret();
    const r = await receiver({ secrets: [secret], mode: { kind: 'unavailable' } });
    const { server } = await serve([{ name: 'flaky', url: r.url, secrets: [{ value: secret }], events: ['user.deactivated'], timeout: '200ms', backoff: { initial: '10ms', max: '40ms' } }]);
    const call = scim(server);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await call('POST', '/Users', { schemas: [USER], userName: `u${i}@example.com` })).body.id);
    for (const id of ids) expect((await deactivate(call, id)).status).toBe(200);
    await eventually(() => r.attempts.length >= 2);
    await r.setMode({ kind: 'refuse' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await r.setMode({ kind: 'hang' });
    await eventually(() => r.attempts.filter((a) => a.outcome === 'hung').length >= 2);
    await r.setMode({ kind: 'up' });
    await r.untilDeliveries((d) => new Set(d.map((x) => x.id)).size >= 5);
    expect(r.uniqueIds().map((id) => body(r.deliveries.find((d) => d.id === id) as ReceivedWebhook).data.user?.id)).toEqual(ids);
    // Every try of the first event, whatever became of it, carried the same id.
    expect(new Set(r.attempts.slice(0, 4).map((a) => a.id)).size).toBe(1);
    const seqs = r.uniqueIds().map((id) => body(r.deliveries.find((d) => d.id === id) as ReceivedWebhook).data.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
  });

  it('dead-letters an event the receiver refuses past its max age, then delivers the next one', async () => {
    const secret = newSecret();
    const r = await receiver({ secrets: [secret], mode: { kind: 'unavailable' } });
    // Max age 1 s: the first POST starts the sender thread, which from source (tsx) takes ~0.3 s.
    const { server, database } = await serve([{ name: 'strict', url: r.url, secrets: [{ value: secret }], events: ['user.deactivated'], maxAge: '1s', backoff: { initial: '20ms', max: '50ms' } }]);
    const reader = openStore(database, { migrate: false });
    cleanups.push(() => reader.close());
    const states = () => reader.sqlite.prepare("SELECT state, last_error AS error FROM hook_deliveries WHERE subscriber_id = 'webhook:strict' ORDER BY event_seq").all() as { state: string; error: string | null }[];
    const call = scim(server);
    const doomed = (await call('POST', '/Users', { schemas: [USER], userName: 'doomed@example.com' })).body.id;
    const fine = (await call('POST', '/Users', { schemas: [USER], userName: 'fine@example.com' })).body.id;
    await deactivate(call, doomed);
    await eventually(() => states()[0]?.state === 'dead');
    await deactivate(call, fine);
    await r.setMode({ kind: 'up' });
    await r.until(1);
    expect(body(r.deliveries[0] as ReceivedWebhook).data.user?.id).toBe(fine);
    expect(r.attempts.filter((a) => a.outcome === 'answered-503').length).toBeGreaterThan(1);
    expect(new Set(r.attempts.filter((a) => a.outcome === 'answered-503').map((a) => a.id)).size).toBe(1);
    // The dead letter is kept for the operator (scimgate hooks deliveries --failed).
    await eventually(() => states()[1]?.state === 'delivered');
    expect(states()[0]).toEqual({ state: 'dead', error: 'max age passed; last: HTTP 503' });
  });
});
