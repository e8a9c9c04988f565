import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditOutsideWrite, createAuditReader, createChainVerifier, createSqliteAuditLog, rowHash, SCHEDULED_PRUNE, type ChainReport, type SqliteAuditLog } from '../../src/audit/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { useTwoConnections } from '../support/two-connections.js';

function verify(store: Store): ChainReport {
  const verifier = createChainVerifier();
  for (const row of createAuditReader(store.sqlite).rows()) if (!verifier.add(row)) break;
  return verifier.finish();
}

function clock(start = '2025-01-01T00:00:00.000Z') {
  let t = Date.parse(start);
  return { now: () => new Date(t), advance: (ms: number) => void (t += ms) };
}

describe('audit log: appends', () => {
  let store: Store;
  let log: SqliteAuditLog;
  beforeEach(() => {
    store = openStore(':memory:');
    log = createSqliteAuditLog(store);
  });
  afterEach(() => store.close());

  it('refuses an append outside a write, and writes nothing', () => {
    expect(() => log.record({ type: 'x' })).toThrow(AuditOutsideWrite);
    expect(store.sqlite.prepare('SELECT count(*) FROM audit_log').pluck().get()).toBe(0);
  });

  it('chains rows 1, 2, 3 from the genesis hash, each over its content and the previous hash', () => {
    for (const type of ['a', 'b', 'c']) store.writes.write(() => log.record({ type, actor: 'tok', userId: 'u1', requestId: 'r1', data: { n: 1 } }));
    const rows = [...createAuditReader(store.sqlite).rows()];
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(rows[0]?.prevHash).toBe('0'.repeat(64));
    expect(rows[1]?.prevHash).toBe(rows[0]?.hash);
    for (const row of rows) expect(rowHash(row)).toBe(row.hash);
    expect(verify(store)).toMatchObject({ rows: 3, head: { seq: 3, hash: rows[2]?.hash } });
    expect(verify(store).problem).toBeUndefined();
  });

  it('an honest row with a lone UTF-16 surrogate in its strings verifies (hashed as SQLite stores it)', () => {
    store.writes.write(() => log.record({ type: 'signin.succeeded\uDC00', actor: 'ada\uD800', userId: 'u\uD801', requestId: 'r\uDFFF', data: { subject: 'x\uD800' } }));
    expect(verify(store).problem).toBeUndefined();
    expect([...createAuditReader(store.sqlite).rows()][0]).toMatchObject({ actor: 'ada\uFFFD', type: 'signin.succeeded\uFFFD' });
  });

  it('rolls back with the write that carried it', () => {
    expect(() =>
      store.writes.write(() => {
        log.record({ type: 'a' });
        throw new Error('the cause failed');
      }),
    ).toThrow('the cause failed');
    store.writes.write(() => log.record({ type: 'b' }));
    expect([...createAuditReader(store.sqlite).rows()].map((r) => [r.seq, r.type])).toEqual([[1, 'b']]);
    expect(verify(store).problem).toBeUndefined();
  });

  it('a savepoint rolled back inside a group takes its row, and the next row links to the one before', () => {
    store.writes.during(() => {
      store.writes.write(() => log.record({ type: 'kept-1' }));
      expect(() =>
        store.writes.write(() => {
          log.record({ type: 'lost' });
          throw new Error('refused');
        }),
      ).toThrow('refused');
      store.writes.write(() => log.record({ type: 'kept-2' }));
    });
    expect([...createAuditReader(store.sqlite).rows()].map((r) => r.type)).toEqual(['kept-1', 'kept-2']);
    expect(verify(store).problem).toBeUndefined();
  });
});

describe('audit log: two processes on one database', () => {
  const db = useTwoConnections('scimgate-audit-');
  it('interleaved appends from both connections form one unbroken chain', () => {
    const here = createSqliteAuditLog(db.here);
    const there = createSqliteAuditLog(db.there);
    for (let i = 0; i < 20; i++) {
      db.here.writes.write(() => here.record({ type: 'here', data: { i } }));
      db.there.writes.write(() => there.record({ type: 'there', data: { i } }));
    }
    const report = verify(db.here);
    expect(report.problem).toBeUndefined();
    expect(report.rows).toBe(40);
  });
});

describe('audit log: retention', () => {
  let store: Store;
  let log: SqliteAuditLog;
  let time: ReturnType<typeof clock>;
  beforeEach(() => {
    store = openStore(':memory:');
    time = clock();
    log = createSqliteAuditLog({ ...store, now: time.now });
  });
  afterEach(() => store.close());

  const append = (type: string) => store.writes.write(() => log.record({ type }));

  it('deletes a whole prefix by age, records the cut, and the chain still verifies', () => {
    append('old-1');
    append('old-2');
    time.advance(10 * 86_400_000);
    append('young-1');
    expect(log.prune(new Date(time.now().getTime() - 86_400_000), SCHEDULED_PRUNE)).toBe(2);
    const rows = [...createAuditReader(store.sqlite).rows()];
    expect(rows.map((r) => [r.seq, r.type])).toEqual([
      [3, 'young-1'],
      [4, 'audit.pruned'],
    ]);
    expect(JSON.parse(rows[1]?.data ?? '{}')).toMatchObject({ through: 2, deleted: 2 });
    expect(verify(store).problem).toBeUndefined();
    // A second cut, past the first cut's own row.
    time.advance(10 * 86_400_000);
    append('young-2');
    expect(log.prune(new Date(time.now().getTime() - 86_400_000), SCHEDULED_PRUNE)).toBe(2);
    expect(verify(store).problem).toBeUndefined();
    expect([...createAuditReader(store.sqlite).rows()].map((r) => r.type)).toEqual(['young-2', 'audit.pruned']);
  });

  it('a cut of every row still leaves a chain that verifies', () => {
    append('old-1');
    time.advance(86_400_000);
    expect(log.prune(time.now(), SCHEDULED_PRUNE)).toBe(1);
    append('next');
    expect(verify(store).problem).toBeUndefined();
  });

  it('stops at the first young row even when a later row carries an older time (another clock)', () => {
    append('old-1');
    time.advance(10 * 86_400_000);
    append('young');
    time.advance(-10 * 86_400_000);
    append('old-again');
    expect(log.prune(new Date(Date.parse('2025-01-05T00:00:00Z')), SCHEDULED_PRUNE)).toBe(1);
    expect([...createAuditReader(store.sqlite).rows()].map((r) => r.type)).toEqual(['young', 'old-again', 'audit.pruned']);
  });

  it('nothing old enough: nothing deleted, no row written', () => {
    append('young');
    expect(log.prune(new Date(0), SCHEDULED_PRUNE)).toBe(0);
    expect([...createAuditReader(store.sqlite).rows()].map((r) => r.type)).toEqual(['young']);
  });

  it('a prefix deleted without a cut row is named', () => {
    append('a');
    append('b');
    append('c');
    store.sqlite.prepare('DELETE FROM audit_log WHERE seq = 1').run();
    expect(verify(store).problem).toMatchObject({ seq: 2, kind: 'bad-start' });
  });
});
