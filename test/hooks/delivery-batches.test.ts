/**
 * The delivery worker's batches, driven for real: a subscriber that is behind has its due events
 * claimed together in one write, then sent one at a time over loopback HTTP to a receiver that
 * verifies each with `standardwebhooks`, each outcome recorded before the next send. What must
 * hold: a failure stops the batch and loses nothing (the claims never sent are undone, not
 * counted as attempts), a retry goes out alone and nothing is claimed until it is due, order is
 * kept, a second process delivers none of a batch's claims while the first holds them, and no
 * send starts that its lease could not outlive.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebhookConfig } from '../../src/config/types.js';
import { createHookEvents, createWebhookSubscriber, startDeliveryWorker, webhookSubscriberId, type DeliveryWorkerOptions, type HookEvents } from '../../src/hooks/index.js';
import type { Store } from '../../src/store/index.js';
import { openTempStore, tempDatabase, type Cleanups } from '../support/temp-store.js';
import { startWebhookReceiver, type ReceiverOptions, type WebhookReceiver } from '../support/webhook-receiver.js';

const cleanups: Cleanups = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const NAME = 'batches';
const SUBSCRIBER = webhookSubscriberId(NAME);

const database = (): string => tempDatabase(cleanups, 'scimgate-batches');
const open = (path: string): Store => openTempStore(cleanups, path);

async function receiver(options: Omit<ReceiverOptions, 'secrets'> = {}): Promise<WebhookReceiver> {
  const r = await startWebhookReceiver({ secrets: [SECRET], ...options });
  cleanups.push(() => r.close());
  return r;
}

const webhook = (url: string, timeoutMs = 2_000): WebhookConfig => ({
  name: NAME,
  url,
  events: undefined,
  secrets: [SECRET],
  timeoutMs,
  maxAgeMs: 60_000,
  initialBackoffMs: 5,
  maxBackoffMs: 10,
});

/** A worker (one "process") on `store`, delivering to the webhook. */
function start(store: Store, config: WebhookConfig, extra: Partial<DeliveryWorkerOptions> = {}) {
  let wake = () => {};
  const hooks = createHookEvents(store, { onAppend: () => wake() });
  const subscriber = createWebhookSubscriber(config);
  const worker = startDeliveryWorker({ store, outbox: hooks.outbox, sources: [{ subscribers: () => [subscriber] }], pollIntervalMs: 20, ...extra });
  wake = () => worker.wake();
  cleanups.push(() => worker.stop());
  return { worker, hooks };
}

/** `n` events appended in one synchronous run, so the worker finds them all waiting at its next step; their ids in order. */
function backlog(store: Store, hooks: HookEvents, n: number): string[] {
  return Array.from({ length: n }, (_, i) => store.writes.write(() => hooks.outbox.append({ type: 'scim_token.created', token: { id: `t${i}`, name: `t${i}` } })).id);
}

/** Waits until `done` holds, checking every few ms (bounded by the test's timeout, not asserted on). */
async function eventually(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 5));
}

const subscriberSeen = (store: Store) => eventually(() => store.sqlite.prepare('SELECT count(*) FROM hook_subscribers').pluck().get() === 1);
const allDelivered = (store: Store, n: number) =>
  eventually(() => store.sqlite.prepare("SELECT count(*) FROM hook_deliveries WHERE state = 'delivered'").pluck().get() === n);

/** Every attempt row, by event order then attempt number. */
function attemptRows(store: Store) {
  return store.sqlite
    .prepare(
      `SELECT d.event_id AS event, a.attempt, a.owner, a.outcome FROM hook_attempts a JOIN hook_deliveries d ON d.id = a.delivery_id
        ORDER BY d.event_seq, a.attempt`,
    )
    .all() as { event: string; attempt: number; owner: string; outcome: string | null }[];
}

describe('delivery worker batches', () => {
  it('a failure stops the batch: nothing after it is sent first, its unsent claims are undone, nothing is lost', async () => {
    const store = open(database());
    let ids: string[] = [];
    let claimedWhenFailing: unknown;
    let failed = false;
    const r = await receiver({
      decide: (id) => {
        if (failed || id !== ids[4]) return undefined;
        failed = true;
        // The whole backlog was claimed before the first send: the failure cuts a batch short.
        claimedWhenFailing = store.sqlite.prepare('SELECT count(*) FROM hook_attempts').pluck().get();
        return { kind: 'unavailable' };
      },
    });
    const { hooks } = start(store, webhook(r.url));
    await subscriberSeen(store);
    ids = backlog(store, hooks, 20);
    await allDelivered(store, 20);

    expect(claimedWhenFailing).toBe(20);
    // The receiver saw the events in order, the failed one retried before anything after it.
    expect(r.attempts.map((a) => [a.id, a.outcome])).toEqual([
      ...ids.slice(0, 4).map((id) => [id, 'accepted']),
      [ids[4], 'answered-503'],
      ...ids.slice(4).map((id) => [id, 'accepted']),
    ]);
    expect(r.duplicateIds()).toEqual([]);
    // In the database: the failure and its retry, and one attempt for each of the others — the
    // claims undone after the failure were never counted as attempts, nor left without an outcome.
    expect(attemptRows(store).map(({ event, attempt, outcome }) => [event, attempt, outcome])).toEqual([
      ...ids.slice(0, 4).map((id) => [id, 1, 'ok']),
      [ids[4], 1, 'failed'],
      [ids[4], 2, 'ok'],
      ...ids.slice(5).map((id) => [id, 1, 'ok']),
    ]);
  });

  it('a retry goes out alone, and the batch resumes behind it once it is delivered', async () => {
    const store = open(database());
    let ids: string[] = [];
    const unfinished = () => store.sqlite.prepare('SELECT count(*) FROM hook_attempts WHERE finished_at IS NULL').pluck().get() as number;
    const claimedWhenSent = new Map<string | undefined, number[]>();
    const r = await receiver({
      decide: (id) => {
        claimedWhenSent.set(id, [...(claimedWhenSent.get(id) ?? []), unfinished()]);
        return id === ids[4] && claimedWhenSent.get(id)?.length === 1 ? { kind: 'unavailable' } : undefined;
      },
    });
    const { hooks } = start(store, webhook(r.url));
    await subscriberSeen(store);
    ids = backlog(store, hooks, 20);
    await allDelivered(store, 20);

    // The whole backlog claimed at first; the failed fifth retried in a claim of its own (a
    // receiver that stays down costs one claim per retry, not a batch claimed and undone each
    // time); then the fifteen behind it claimed together again.
    expect(claimedWhenSent.get(ids[0])).toEqual([20]);
    expect(claimedWhenSent.get(ids[4])).toEqual([16, 1]);
    expect(claimedWhenSent.get(ids[5])).toEqual([15]);
    expect(r.deliveries.map((d) => d.id)).toEqual(ids);
  });

  it('a subscriber waiting for a retry takes no step until it is due: the claims undone behind it do not make it look due', async () => {
    const store = open(database());
    let ids: string[] = [];
    const r = await receiver({ decide: (id) => (id === ids[0] ? { kind: 'unavailable' } : undefined) });
    const { hooks } = start(store, { ...webhook(r.url), initialBackoffMs: 60_000, maxBackoffMs: 60_000, maxAgeMs: 3_600_000 });
    await subscriberSeen(store);
    ids = backlog(store, hooks, 20);
    // The first send failed, its retry is a minute away, and the nineteen claims behind it are undone.
    await eventually(() => attemptRows(store).length === 1 && attemptRows(store)[0]?.outcome === 'failed');

    // Every row this connection changes from now on: five appended events, each waking the worker,
    // and its polls every 20 ms. A step taken for this subscriber would renew its lease (a change).
    const changes = () => store.sqlite.prepare('SELECT total_changes()').pluck().get() as number;
    const before = changes();
    backlog(store, hooks, 5);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(changes() - before).toBe(5);
    expect(r.attempts.map((a) => a.id)).toEqual([ids[0]]);
  });

  it("a second process delivers none of a batch's claims while the first holds them, and takes the rest over once it stops", async () => {
    const path = database();
    const s1 = open(path);
    const s2 = open(path);
    let ids: string[] = [];
    let first: ReturnType<typeof start> | undefined;
    let stopping: Promise<void> | undefined;
    const r = await receiver({
      decide: (id) => {
        if (stopping || id !== ids[4]) return undefined;
        // The first process stops while its send of the fifth event hangs: that send is cut off
        // (a failure, retried at once), and the claims after it go back to the line.
        stopping = first?.worker.stop();
        return { kind: 'hang' };
      },
    });
    first = start(s1, webhook(r.url), { owner: 'first' });
    await subscriberSeen(s1);
    const second = start(s2, webhook(r.url), { owner: 'second' });
    ids = backlog(s1, first.hooks, 20);
    await allDelivered(s1, 20);
    await stopping;

    expect(r.deliveries.map((d) => d.id)).toEqual(ids);
    expect(r.duplicateIds()).toEqual([]);
    expect(attemptRows(s1).map(({ event, attempt, owner, outcome }) => [event, attempt, owner, outcome])).toEqual([
      ...ids.slice(0, 4).map((id) => [id, 1, 'first', 'ok']),
      [ids[4], 1, 'first', 'failed'],
      [ids[4], 2, 'second', 'ok'],
      ...ids.slice(5).map((id) => [id, 1, 'second', 'ok']),
    ]);
    await second.worker.stop();
  });

  it('starts no send that its lease could not outlive: a batch longer than the lease allows is cut and the rest claimed again', async () => {
    const store = open(database());
    // timeout 1 s + the worker's 5 s margin: each send needs 6 s of lease left when it starts;
    // the lease runs 10 s from each claim, so a batch may start sends for 4 s of the clock.
    const sendLeaseMs = 1_000 + 5_000;
    let clock = Date.now();
    let ids: string[] = [];
    const seen: { id: string | undefined; at: number; leaseUntil: number }[] = [];
    const r = await receiver({
      decide: (id) => {
        const leaseUntil = store.sqlite.prepare('SELECT lease_until FROM hook_subscribers WHERE id = ?').pluck().get(SUBSCRIBER) as number;
        seen.push({ id, at: clock, leaseUntil });
        // Each send takes 1.5 s of the worker's clock.
        clock += 1_500;
        return undefined;
      },
    });
    const { hooks } = start(store, webhook(r.url, 1_000), { now: () => clock, idleLeaseMs: 10_000 });
    await subscriberSeen(store);
    ids = backlog(store, hooks, 10);
    await allDelivered(store, 10);

    expect(r.deliveries.map((d) => d.id)).toEqual(ids);
    for (const send of seen) expect(send.at + sendLeaseMs).toBeLessThanOrEqual(send.leaseUntil);
    // The batch was cut (the claims were made in several writes) and nothing was counted twice.
    const claims = store.sqlite.prepare('SELECT count(DISTINCT started_at) FROM hook_attempts').pluck().get() as number;
    expect(claims).toBeGreaterThan(1);
    expect(attemptRows(store).map(({ event, attempt, outcome }) => [event, attempt, outcome])).toEqual(ids.map((id) => [id, 1, 'ok']));
  });
});
