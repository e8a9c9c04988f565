/**
 * The SSF streams as the delivery worker's subscribers, over a real database file with two
 * connections on it (this server's, and another process's — a second server or the CLI): the
 * list is built again only when a stream or a subject changed, and then it is, whichever
 * connection changed it. What must never happen: a stream deleted, disabled or told to drop a
 * subject still taking events because the list was kept.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { HookEvent } from '../../src/persistence/index.js';
import { RISC_ACCOUNT_DISABLED } from '../../src/ssf/events.js';
import { createSqliteStreamStore } from '../../src/ssf/sqlite/stream-store.js';
import { POLL_METHOD, type Stream } from '../../src/ssf/stream.js';
import { canonicalSubject } from '../../src/ssf/subjects.js';
import { createSsfSubscriberSource } from '../../src/ssf/subscriber-source.js';
import type { Transmitter } from '../../src/ssf/transmitter.js';
import { openTempStore, tempDatabase, type Cleanups } from '../support/temp-store.js';

const cleanups: Cleanups = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const AT = '2026-12-03T00:00:00.000Z';

const stream = (id: string): Stream => ({
  id,
  receiver: `receiver-${id}`,
  audience: `https://${id}.example`,
  config: { delivery: { method: POLL_METHOD }, events_requested: [RISC_ACCOUNT_DISABLED] },
  status: 'enabled',
  createdAt: AT,
  updatedAt: AT,
});

const deactivated = (email: string): HookEvent => ({
  id: `evt_${email}`,
  seq: 1,
  type: 'user.deactivated',
  occurredAt: AT,
  user: { id: `u-${email}`, userName: email, email },
});

/** This server's store and source, and another connection's stream store on the same file. */
function twoConnections() {
  const path = tempDatabase(cleanups, 'scimgate-ssf-source');
  const here = openTempStore(cleanups, path);
  const elsewhere = openTempStore(cleanups, path);
  const streams = createSqliteStreamStore(here);
  // The source never sends here: only which streams take which events is under test.
  const source = createSsfSubscriberSource({ streams, transmitter: {} as Transmitter, defaultSubjects: 'ALL' });
  return { here, streams, other: createSqliteStreamStore(elsewhere), source };
}

const ids = (subscribers: readonly { id: string }[]) => subscribers.map((s) => s.id);

describe('SSF streams as delivery subscribers', () => {
  it('keeps the list while nothing about streams changed, SCIM-like writes of its own connection included', () => {
    const { here, streams, source } = twoConnections();
    streams.create(stream('s1'));
    const first = source.subscribers();
    expect(ids(first)).toEqual(['ssf:s1']);
    // A write on this connection to another table: the list is not built again.
    here.sqlite.exec('CREATE TABLE unrelated (x)');
    here.writes.write(() => here.sqlite.prepare('INSERT INTO unrelated VALUES (1)').run());
    expect(source.subscribers()).toBe(first);
  });

  it.each([
    ['this server', 'here'],
    ['another connection to the database (another server, the CLI)', 'elsewhere'],
  ] as const)('builds it again after a change by %s: a new stream, a dropped subject, a disabled or deleted stream', (_who, where) => {
    const { streams, other, source } = twoConnections();
    const writer = where === 'here' ? streams : other;
    streams.create(stream('s1'));
    const event = deactivated('ada@example.com');
    expect(source.subscribers().map((s) => s.accepts(event))).toEqual([true]);

    writer.create(stream('s2'));
    expect(ids(source.subscribers())).toEqual(['ssf:s1', 'ssf:s2']);

    writer.setSubject('s2', canonicalSubject({ format: 'email', email: 'ada@example.com' }), false, AT);
    expect(source.subscribers().map((s) => s.accepts(event))).toEqual([true, false]);

    writer.setStatus('s1', 'receiver-s1', 'disabled', 'test', AT);
    expect(source.subscribers().map((s) => s.accepts(event))).toEqual([false, false]);

    writer.delete('s2', 'receiver-s2');
    expect(ids(source.subscribers())).toEqual(['ssf:s1']);
  });
});
