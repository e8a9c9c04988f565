import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuditReader, createChainVerifier, createSqliteAuditLog, startSampledAudit, type RunningSampledAudit } from '../../src/audit/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { useTwoConnections } from '../support/two-connections.js';

const entries = (store: Store) => [...createAuditReader(store.sqlite).rows()].map((r) => ({ type: r.type, userId: r.userId, data: r.data === null ? undefined : (JSON.parse(r.data) as Record<string, unknown>) }));

describe('sampled audit (policy denies, refused sign-ins)', () => {
  let store: Store;
  let t: number;
  let sampled: RunningSampledAudit;
  beforeEach(() => {
    store = openStore(':memory:');
    t = Date.parse('2025-01-01T00:00:00Z');
    sampled = startSampledAudit({ log: createSqliteAuditLog(store), writes: store.writes, now: () => t, flushMs: 3_600_000 });
  });
  afterEach(() => {
    sampled.stop();
    store.close();
  });

  const deny = (user: string, route: string) => sampled.note(`${user} ${route}`, { type: 'policy.denied', userId: user, data: { route } });

  it('writes nothing on the request path: the note waits in memory for the flush', () => {
    deny('u1', 'app/');
    expect(entries(store)).toEqual([]);
    expect(sampled.flush()).toBe(true);
    expect(entries(store)).toEqual([{ type: 'policy.denied', userId: 'u1', data: { route: 'app/' } }]);
  });

  it('one entry per user and route per minute; the rest are counted in a summary when the window ends', () => {
    for (let i = 0; i < 5; i++) deny('u1', 'app/');
    deny('u1', 'admin/');
    deny('u2', 'app/');
    sampled.flush();
    expect(entries(store).map((e) => `${e.userId} ${String(e.data?.route)}`)).toEqual(['u1 app/', 'u1 admin/', 'u2 app/']);
    t += 60_000;
    sampled.flush();
    expect(entries(store).slice(3)).toEqual([{ type: 'policy.denied', userId: 'u1', data: { route: 'app/', suppressed: 4, windowStart: '2025-01-01T00:00:00.000Z' } }]);
    // The next deny opens a new window: recorded again.
    deny('u1', 'app/');
    sampled.flush();
    expect(entries(store)).toHaveLength(5);
  });

  it('an entry that always fails to append is reported and dropped, not retried forever ahead of the rest', () => {
    sampled.stop();
    const failures: unknown[] = [];
    sampled = startSampledAudit({ log: createSqliteAuditLog(store), writes: store.writes, now: () => t, flushMs: 3_600_000, onFailure: (error) => failures.push(error) });
    // A BigInt cannot be serialised to JSON: this entry's append throws every time.
    sampled.note('bad', { type: 'policy.denied', userId: 'u0', data: { route: 10n as unknown as string } });
    deny('u1', 'app/');
    expect(sampled.flush()).toBe(true);
    expect(entries(store)).toEqual([
      { type: 'policy.denied', userId: 'u1', data: { route: 'app/' } },
      { type: 'audit.dropped', userId: null, data: { dropped: 1 } },
    ]);
    expect(failures).toHaveLength(1);
    expect(sampled.flush()).toBe(true);
  });

  it('after some flushes in a row that found the lock busy, the next one waits for it with a normal write', () => {
    sampled.stop();
    let waited = 0;
    const writes = { writeIfFree: () => undefined, write: <T>(change: () => T): T => { waited += 1; return store.writes.write(change); } };
    sampled = startSampledAudit({ log: createSqliteAuditLog(store), writes, now: () => t, flushMs: 3_600_000, busyTicks: 3 });
    deny('u1', 'app/');
    expect([sampled.flush(), sampled.flush(), sampled.flush()]).toEqual([false, false, false]);
    expect(waited).toBe(0);
    expect(sampled.flush()).toBe(true);
    expect(waited).toBe(1);
    expect(entries(store)).toEqual([{ type: 'policy.denied', userId: 'u1', data: { route: 'app/' } }]);
  });

  it('stop writes what is buffered and the counts of open windows', () => {
    deny('u1', 'app/');
    deny('u1', 'app/');
    sampled.stop();
    expect(entries(store).map((e) => e.data?.suppressed)).toEqual([undefined, 1]);
  });

  it('bounded: past maxKeys the extra entries are counted as dropped, and said so', () => {
    sampled.stop();
    sampled = startSampledAudit({ log: createSqliteAuditLog(store), writes: store.writes, now: () => t, flushMs: 3_600_000, maxKeys: 2 });
    deny('u1', 'a');
    deny('u2', 'a');
    deny('u3', 'a');
    sampled.flush();
    expect(entries(store).map((e) => e.type)).toEqual(['policy.denied', 'policy.denied', 'audit.dropped']);
    expect(entries(store)[2]?.data).toEqual({ dropped: 1 });
  });
});

describe('sampled audit beside another process holding the write lock', () => {
  const db = useTwoConnections('scimgate-sampled-');
  it('the flush does not wait for the lock: it keeps the entries and writes them once the lock is free', () => {
    const sampled = startSampledAudit({ log: createSqliteAuditLog(db.here), writes: db.here.writes, flushMs: 3_600_000 });
    sampled.note('k', { type: 'policy.denied', userId: 'u1' });
    // The other process holds the write lock (BEGIN IMMEDIATE) while we flush.
    const other = db.there.sqlite;
    other.prepare('BEGIN IMMEDIATE').run();
    expect(sampled.flush()).toBe(false);
    other.prepare('COMMIT').run();
    expect(sampled.flush()).toBe(true);
    expect(entries(db.here).map((e) => e.userId)).toEqual(['u1']);
    const verifier = createChainVerifier();
    for (const row of createAuditReader(db.here.sqlite).rows()) verifier.add(row);
    expect(verifier.finish().problem).toBeUndefined();
    sampled.stop();
  });
});
