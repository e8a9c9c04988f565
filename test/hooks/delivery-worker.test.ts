/**
 * The delivery worker against in-process subscribers over a real database file: commit order per
 * subscriber, at-least-once with the stable id, retries then dead letters, restart, two workers
 * on one database. Time is the real clock, but every wait is bounded by events, not by time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHookEvents, startDeliveryWorker, type DeliveryWorker, type HookSubscriber, type SendOutcome } from '../../src/hooks/index.js';
import type { HookEvent } from '../../src/persistence/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { openTempStore, tempDatabase, type Cleanups } from '../support/temp-store.js';

const cleanups: Cleanups = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const database = (): string => tempDatabase(cleanups, 'scimgate-worker');
const open = (path: string): Store => openTempStore(cleanups, path);

/** A subscriber that records what it got and answers as `answer` says. */
function recorder(id: string, answer: (event: HookEvent, n: number) => SendOutcome | Promise<SendOutcome> = () => ({ ok: true })) {
  const got: HookEvent[] = [];
  let waiting: { until: (events: HookEvent[]) => boolean; resolve: () => void }[] = [];
  const subscriber: HookSubscriber = {
    id,
    accepts: (event) => event.type !== 'scim_token.revoked',
    async send(event) {
      got.push(event);
      const outcome = await answer(event, got.length);
      waiting = waiting.filter((w) => (w.until(got) ? (w.resolve(), false) : true));
      return outcome;
    },
  };
  const until = (done: (events: HookEvent[]) => boolean) =>
    new Promise<void>((resolve) => {
      if (done(got)) resolve();
      else waiting.push({ until: done, resolve });
    });
  return { subscriber, got, until };
}

function start(store: Store, subscribers: HookSubscriber[], extra: Partial<Parameters<typeof startDeliveryWorker>[0]> = {}) {
  let worker: DeliveryWorker | undefined;
  const hooks = createHookEvents(store, { onAppend: () => worker?.wake() });
  worker = startDeliveryWorker({ store, outbox: hooks.outbox, sources: [{ subscribers: () => subscribers }], pollIntervalMs: 20, ...extra });
  const w = worker;
  cleanups.push(() => w.stop());
  const append = (name: string, type: 'scim_token.created' | 'scim_token.revoked' = 'scim_token.created') =>
    store.writes.write(() => hooks.outbox.append({ type, token: { id: name, name } }));
  return { worker: w, hooks, append };
}

const names = (events: HookEvent[]) => events.map((e) => e.token?.name);

/** Waits until `done` holds, checking every few ms (bounded by the test's hang guard, not asserted on). */
async function eventually(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('delivery worker', () => {
  it('delivers what it accepts, in commit order, to each subscriber; a new subscriber starts at the head', async () => {
    const store = open(database());
    const a = recorder('test:a');
    const b = recorder('test:b');
    const { append, hooks } = start(store, [a.subscriber, b.subscriber]);
    // Let both subscribers be seen (rows created at the head) before anything is appended.
    await seen(store, 2);
    for (let i = 0; i < 30; i++) append(`t${i}`, i % 5 === 4 ? 'scim_token.revoked' : 'scim_token.created');
    const expected = Array.from({ length: 30 }, (_, i) => `t${i}`).filter((_, i) => i % 5 !== 4);
    await a.until((got) => got.length >= expected.length);
    await b.until((got) => got.length >= expected.length);
    expect(names(a.got)).toEqual(expected);
    expect(names(b.got)).toEqual(expected);
    expect(a.got.map((e) => e.id)).toEqual(hooks.outbox.readAfter(0, 100).filter((e) => e.type !== 'scim_token.revoked').map((e) => e.id));
  });

  it('gives way while the request thread is saturated: asked before every send, and still everything arrives, in order', async () => {
    const store = open(database());
    const a = recorder('test:a');
    let asked = 0;
    const { append } = start(store, [a.subscriber], { requestThread: { saturated: () => (asked++, true) } });
    await seen(store, 1);
    for (let i = 0; i < 12; i++) append(`t${i}`);
    await a.until((got) => got.length >= 12);
    expect(names(a.got)).toEqual(Array.from({ length: 12 }, (_, i) => `t${i}`));
    expect(asked).toBeGreaterThanOrEqual(12);
  });

  it('retries a failing receiver with the same event id, holding later events back, then goes on in order', async () => {
    const store = open(database());
    const a = recorder('test:a', (_event, n) => (n <= 3 ? { ok: false, retryable: true, reason: `down ${n}` } : { ok: true }));
    const { append } = start(store, [a.subscriber], { defaults: { initialBackoffMs: 5, maxBackoffMs: 10 } });
    await seen(store);
    append('first');
    append('second');
    await a.until((got) => got.length >= 5);
    expect(names(a.got)).toEqual(['first', 'first', 'first', 'first', 'second']);
    expect(new Set(a.got.slice(0, 4).map((e) => e.id)).size).toBe(1);
    const attempts = store.sqlite
      .prepare('SELECT attempt, outcome FROM hook_attempts WHERE delivery_id = (SELECT id FROM hook_deliveries ORDER BY event_seq LIMIT 1) ORDER BY attempt')
      .all();
    expect(attempts).toEqual([
      { attempt: 1, outcome: 'failed' },
      { attempt: 2, outcome: 'failed' },
      { attempt: 3, outcome: 'failed' },
      { attempt: 4, outcome: 'ok' },
    ]);
  });

  it('dead-letters an event past its max age (and one refused for good), then delivers the next', async () => {
    const store = open(database());
    const a = recorder('test:a', (event) =>
      event.token?.name === 'doomed' ? { ok: false, retryable: true, reason: 'HTTP 500' } : event.token?.name === 'refused' ? { ok: false, retryable: false, reason: 'HTTP 410' } : { ok: true },
    );
    const { append } = start(store, [a.subscriber], { defaults: { initialBackoffMs: 5, maxBackoffMs: 10, maxAgeMs: 60 } });
    await seen(store);
    append('doomed');
    append('refused');
    append('fine');
    await a.until((got) => names(got).includes('fine'));
    const states = () => store.sqlite.prepare('SELECT state FROM hook_deliveries ORDER BY event_seq').pluck().all();
    await eventually(() => states().at(-1) === 'delivered');
    const rows = store.sqlite.prepare('SELECT event_type, state, last_error AS error FROM hook_deliveries ORDER BY event_seq').all() as { state: string; error: string }[];
    expect(rows.map((r) => r.state)).toEqual(['dead', 'dead', 'delivered']);
    expect(rows[0]?.error).toMatch(/max age passed; last: HTTP 500/);
    expect(rows[1]?.error).toBe('HTTP 410');
    expect(names(a.got).filter((n) => n === 'refused')).toHaveLength(1);
  });

  it('a pending delivery whose event left the outbox is dead-lettered, never sent as the event after it', async () => {
    const store = open(database());
    let failFirst = true;
    const a = recorder('test:a', (event) => {
      if (event.token?.name !== 'gone' || !failFirst) return { ok: true };
      failFirst = false;
      return { ok: false, retryable: true, reason: 'HTTP 503' };
    });
    const { append, hooks } = start(store, [a.subscriber], { defaults: { initialBackoffMs: 200, maxBackoffMs: 200 } });
    await seen(store);
    append('gone');
    await a.until((got) => got.length === 1);
    const states = () => store.sqlite.prepare('SELECT state, last_error AS error FROM hook_deliveries ORDER BY event_seq').all() as { state: string; error: string | null }[];
    await eventually(() => states()[0]?.error === 'HTTP 503');
    // Taken out of the outbox while its retry waits (as if pruned), then another event follows it.
    const gone = hooks.outbox.readAfter(0, 10).find((e) => e.token?.name === 'gone');
    store.writes.write(() => store.sqlite.prepare('DELETE FROM hook_outbox WHERE seq = ?').run(gone?.seq));
    append('after');
    await a.until((got) => names(got).includes('after'));
    await eventually(() => states().length === 2 && states()[1]?.state === 'delivered');
    expect(states()[0]).toEqual({ state: 'dead', error: 'the event is no longer in the outbox (pruned)' });
    expect(names(a.got)).toEqual(['gone', 'after']);
  });

  it('a hung receiver is cut off at its timeout and retried; a restart resumes what is pending', async () => {
    const path = database();
    const first = openStore(path);
    let hang = true;
    const a = recorder('test:a', (_e, _n) => (hang ? new Promise<SendOutcome>(() => undefined) : { ok: true }));
    const one = start(first, [a.subscriber], { defaults: { timeoutMs: 30, initialBackoffMs: 5, maxBackoffMs: 10 } });
    await seen(first);
    one.append('e1');
    one.append('e2');
    // Cut off at the timeout and tried again, more than once, while e2 waits behind it.
    await eventually(() => store(first).attempts() >= 3);
    expect(names(a.got).every((n) => n === 'e1')).toBe(true);
    await one.worker.stop();
    first.close();
    // A new process on the same database: the cursor and the pending delivery are where they were.
    hang = false;
    const second = open(path);
    const b = recorder('test:a');
    start(second, [b.subscriber]);
    await b.until((got) => got.length >= 2);
    expect(names(b.got)).toEqual(['e1', 'e2']);
    expect(b.got[0]?.id).toBe(a.got[0]?.id);
  });

  it('two workers on one database never make the same attempt, and deliver each event once when the receiver is up', async () => {
    const path = database();
    const s1 = open(path);
    const s2 = open(path);
    const got: string[] = [];
    const shared = (id: string): HookSubscriber => ({ id, accepts: () => true, send: async (event) => (got.push(event.id), { ok: true }) });
    const w1 = start(s1, [shared('test:shared')]);
    const w2 = start(s2, [shared('test:shared')]);
    await seen(s1);
    for (let i = 0; i < 40; i++) (i % 2 === 0 ? w1 : w2).append(`t${i}`);
    await eventually(() => got.length >= 40);
    const attempts = s1.sqlite.prepare('SELECT count(*) AS n, count(DISTINCT delivery_id) AS d FROM hook_attempts').get();
    expect(attempts).toEqual({ n: 40, d: 40 });
    expect(got).toHaveLength(40);
    expect(new Set(got).size).toBe(40);
    expect(got).toEqual(w1.hooks.outbox.readAfter(0, 100).map((e) => e.id));
  });
});

/** Once the worker has seen its subscribers (their rows start at the outbox head), events appended count for them. */
const seen = (s: Store, n = 1) => eventually(() => (s.sqlite.prepare('SELECT count(*) FROM hook_subscribers').pluck().get() as number) >= n);

function store(s: Store) {
  return { attempts: () => s.sqlite.prepare('SELECT count(*) FROM hook_attempts').pluck().get() as number };
}
