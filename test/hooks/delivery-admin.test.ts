/**
 * What operators see and do (src/hooks/sqlite/delivery-admin.ts, under `scimgate hooks …`):
 * subscribers with their place and lag, deliveries and dead letters, retrying one, replaying from
 * a time — against a real worker on a real database file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHookAdmin, createHookEvents, startDeliveryWorker, type DeliveryWorker, type HookSubscriber } from '../../src/hooks/index.js';
import type { HookEvent } from '../../src/persistence/index.js';
import { openStore } from '../../src/store/index.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function eventually(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 5));
}

function setUp(refuse: (event: HookEvent) => boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'scimgate-admin-'));
  const store = openStore(join(dir, 'db.sqlite'));
  const got: HookEvent[] = [];
  const subscriber: HookSubscriber = {
    id: 'webhook:ops',
    accepts: () => true,
    send: async (event) => (got.push(event), refuse(event) ? { ok: false, retryable: false, reason: 'HTTP 410' } : { ok: true }),
  };
  let worker: DeliveryWorker | undefined;
  const hooks = createHookEvents(store, { onAppend: () => worker?.wake() });
  worker = startDeliveryWorker({ store, outbox: hooks.outbox, sources: [{ subscribers: () => [subscriber] }], pollIntervalMs: 20 });
  const w = worker;
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }), () => store.close(), () => w.stop());
  const append = (name: string, occurredAt?: string) => store.writes.write(() => hooks.outbox.append({ type: 'scim_token.created', token: { id: name, name }, ...(occurredAt ? { occurredAt } : {}) }));
  return { store, got, append, admin: createHookAdmin(store) };
}

describe('hook delivery administration', () => {
  it('lists the subscriber with its cursor and lag, the deliveries, --failed the dead letters with their attempts; retry sends one again', async () => {
    let refusing = true;
    const { got, append, admin } = setUp((event) => refusing && event.token?.name === 'bad');
    await eventually(() => admin.subscribers().length === 1);
    append('ok-1');
    const bad = append('bad');
    append('ok-2');
    await eventually(() => admin.deliveries().filter((d) => d.state !== 'pending').length === 3);
    expect(admin.subscribers()).toEqual([expect.objectContaining({ id: 'webhook:ops', cursor: bad.seq + 1, lag: 0, state: 'idle', pending: 0, dead: 1 })]);
    const failed = admin.deliveries({ failed: true });
    expect(failed).toEqual([expect.objectContaining({ eventId: bad.id, state: 'dead', attempts: 1, lastError: 'HTTP 410' })]);
    expect(admin.attempts(failed[0]?.id ?? '')).toEqual([expect.objectContaining({ attempt: 1, outcome: 'failed', error: 'HTTP 410' })]);

    refusing = false;
    expect(admin.retry(failed[0]?.id ?? '')).toBe(true);
    expect(admin.retry(failed[0]?.id ?? '')).toBe(false); // no longer dead
    expect(admin.retry('dlv_unknown')).toBe(false);
    await eventually(() => admin.delivery(failed[0]?.id ?? '')?.state === 'delivered');
    expect(got.filter((e) => e.id === bad.id)).toHaveLength(2);
    expect(admin.deliveries({ failed: true })).toEqual([]);
  });

  it('replay --since moves the cursor back: everything from then on comes again, in order, with the same ids', async () => {
    const { got, append, admin } = setUp(() => false);
    await eventually(() => admin.subscribers().length === 1);
    append('old', '2026-01-01T00:00:00.000Z');
    const a = append('a', '2026-01-02T00:00:00.000Z');
    const b = append('b', '2026-01-03T00:00:00.000Z');
    await eventually(() => got.length === 3);
    expect(admin.replay('webhook:ops', new Date('2026-01-02T00:00:00.000Z'))).toBe(a.seq - 1);
    expect(admin.replay('webhook:nobody', new Date())).toBeUndefined();
    await eventually(() => got.length === 5);
    expect(got.slice(3).map((e) => e.id)).toEqual([a.id, b.id]);
  });
});
