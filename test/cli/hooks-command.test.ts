// `scimgate hooks list|deliveries|retry|replay` as an operator runs them: the CLI's own path
// (runHooksOn: the database file opened as it is, the hooks module's administration over it)
// while a real delivery worker on the same file delivers to a subscriber that refuses one event.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runHooksOn } from '../../src/cli/hooks-admin.js';
import { parseSince } from '../../src/cli/hooks-command.js';
import { parseArgs } from '../../src/cli/settings.js';
import { startDeliveryWorker, type DeliveryWorker } from '../../src/hooks/delivery-worker.js';
import { createHookEvents } from '../../src/hooks/index.js';
import { createHookAdmin } from '../../src/hooks/sqlite/delivery-admin.js';
import type { HookSubscriber } from '../../src/hooks/subscriber.js';
import type { HookEvent } from '../../src/persistence/index.js';
import { openStore } from '../../src/store/index.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function eventually(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 5));
}

const CONFIGURED = [{ id: 'webhook:ops', target: 'https://hooks.example.com/scimgate', events: undefined }];

function setUp() {
  const dir = mkdtempSync(join(tmpdir(), 'scimgate-hooks-cli-'));
  const database = join(dir, 'db.sqlite');
  const store = openStore(database);
  const got: HookEvent[] = [];
  let refusing = true;
  const subscriber: HookSubscriber = {
    id: 'webhook:ops',
    accepts: () => true,
    send: async (event) => (got.push(event), refusing && event.token?.name === 'bad' ? { ok: false, retryable: false, reason: 'HTTP 410' } : { ok: true }),
  };
  let worker: DeliveryWorker | undefined;
  const hooks = createHookEvents(store, { onAppend: () => worker?.wake() });
  worker = startDeliveryWorker({ store, outbox: hooks.outbox, sources: [{ subscribers: () => [subscriber] }], pollIntervalMs: 20 });
  const w = worker;
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }), () => store.close(), () => w.stop());
  const append = (name: string, occurredAt?: string) => store.writes.write(() => hooks.outbox.append({ type: 'scim_token.created', token: { id: name, name }, ...(occurredAt ? { occurredAt } : {}) }));
  const cli = (...words: string[]) => {
    const { positional, flags } = parseArgs(words);
    const log: string[] = [];
    const error: string[] = [];
    const code = runHooksOn(database, CONFIGURED, positional, flags, { log: (l) => log.push(l), error: (l) => error.push(l) });
    return { code, log: log.join('\n'), error: error.join('\n') };
  };
  return { got, append, cli, admin: createHookAdmin(store), accept: () => (refusing = false) };
}

describe('scimgate hooks', () => {
  it('list, deliveries --failed, retry: a dead letter is seen and sent again', async () => {
    const { got, append, cli, admin, accept } = setUp();
    await eventually(() => admin.subscribers().length === 1);
    append('ok-1');
    const bad = append('bad');
    append('ok-2');
    await eventually(() => admin.deliveries().filter((d) => d.state !== 'pending').length === 3);

    const list = cli('list');
    expect(list.code).toBe(0);
    expect(list.log.split('\n')[0]).toMatch(/^SUBSCRIBER\s+TARGET\s+EVENTS\s+CURSOR\s+BEHIND\s+STATE\s+PENDING\s+DEAD$/);
    expect(list.log).toMatch(new RegExp(`webhook:ops\\s+https://hooks\\.example\\.com/scimgate\\s+all\\s+${bad.seq + 1}\\s+0\\s+idle\\s+0\\s+1`));

    const failed = cli('deliveries', '--failed', '--format', 'json');
    const dead = JSON.parse(failed.log) as { id: string; eventId: string; state: string; lastError: string }[];
    expect(dead).toEqual([expect.objectContaining({ eventId: bad.id, state: 'dead', lastError: 'HTTP 410' })]);
    expect(cli('deliveries').log.split('\n')).toHaveLength(4);
    const deadId = dead[0]?.id ?? '';

    accept();
    expect(cli('retry', deadId)).toMatchObject({ code: 0, log: expect.stringContaining(`Delivery "${deadId}" will be sent again`) });
    expect(cli('retry', deadId)).toMatchObject({ code: 1, error: expect.stringMatching(/is (pending|delivered), not dead-lettered/) });
    expect(cli('retry', 'dlv_unknown')).toMatchObject({ code: 1, error: expect.stringContaining('no delivery "dlv_unknown"') });
    await eventually(() => admin.delivery(deadId)?.state === 'delivered');
    expect(got.filter((e) => e.id === bad.id)).toHaveLength(2);
    expect(cli('deliveries', '--failed').log).toBe('No failed deliveries.');
  });

  it('replay --since sends every event from then on again, in order, with the original ids', async () => {
    const { got, append, cli, admin, accept } = setUp();
    accept();
    await eventually(() => admin.subscribers().length === 1);
    const old = append('old', '2026-01-01T00:00:00.000Z');
    const a = append('a', '2026-01-02T00:00:00.000Z');
    const b = append('b', '2026-01-03T00:00:00.000Z');
    await eventually(() => got.length === 3);
    const replay = cli('replay', '--since', '2026-01-02T00:00:00Z', '--subscriber', 'webhook:ops');
    expect(replay).toMatchObject({ code: 0, log: expect.stringContaining(`webhook:ops: events after #${old.seq}`) });
    await eventually(() => got.length === 5);
    expect(got.map((e) => e.id)).toEqual([old.id, a.id, b.id, a.id, b.id]);
    expect(cli('replay', '--since', '2026-01-02T00:00:00Z', '--subscriber', 'webhook:nobody')).toMatchObject({ code: 1, error: expect.stringContaining('no subscriber "webhook:nobody"') });
  });

  it.each([
    [['replay'], 'hooks replay needs --since TIME'],
    [['replay', '--since', 'yesterday'], '--since must be an ISO 8601 time'],
    [['retry'], 'hooks retry takes exactly one DELIVERY_ID'],
    [['deliveries', '--limit', '0'], '--limit must be a whole number'],
    [['list', '--format', 'xml'], '--format must be table or json'],
    [['purge'], 'unknown subcommand "purge"'],
  ])('usage error %j → exit 2: %s', async (words, message) => {
    const { cli } = setUp();
    expect(cli(...words)).toMatchObject({ code: 2, error: expect.stringContaining(message) });
  });

  it('parseSince reads ISO times and durations ago, and refuses the future and words', () => {
    const now = new Date('2026-02-01T12:00:00Z');
    expect(parseSince('2h', now)?.toISOString()).toBe('2026-02-01T10:00:00.000Z');
    expect(parseSince('7d', now)?.toISOString()).toBe('2026-01-25T12:00:00.000Z');
    expect(parseSince('2026-01-31T12:00:00+01:00', now)?.toISOString()).toBe('2026-01-31T11:00:00.000Z');
    expect(parseSince('2026-02-02T00:00:00Z', now)).toBeUndefined();
    expect(parseSince('soon', now)).toBeUndefined();
  });
});
