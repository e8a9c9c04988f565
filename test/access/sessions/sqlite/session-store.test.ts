/**
 * Server-side sessions (issue 4 §4): the cookie secret is random and only its hash is stored;
 * absolute and idle expiry; idle sliding at most once a minute; revocation; purge.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSessionStore, TOUCH_INTERVAL_MS, type SessionStore } from '../../../../src/access/sessions/index.js';
import { openStore, type Store } from '../../../../src/store/index.js';

const T0 = Date.parse('2025-01-01T00:00:00Z');
const base = { userId: 'u1', tenantId: 't1', issuer: 'https://login.example/t1/v2.0', subject: 'sub-1', absoluteTtlSeconds: 3600, idleTtlSeconds: 600 };

let store: Store;
let clock: number;
let sessions: SessionStore;

beforeEach(() => {
  store = openStore(':memory:');
  clock = T0;
  sessions = createSessionStore({ store, now: () => new Date(clock) });
});
afterEach(() => store.close());

const row = (id: string) =>
  store.sqlite.prepare('SELECT * FROM sessions WHERE id = ?').get(id) as Record<string, unknown>;

describe('session secrets', () => {
  it('is 32 random bytes as base64url and only its SHA-256 is stored', () => {
    const { secret, session } = sessions.create(base);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    const stored = row(session.id);
    expect(stored.secret_hash).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(JSON.stringify(stored)).not.toContain(secret);
  });

  it('uses the injected random source', () => {
    const fixed = createSessionStore({ store, now: () => new Date(clock), randomBytes: (n) => Buffer.alloc(n, 7) });
    expect(fixed.create(base).secret).toBe(Buffer.alloc(32, 7).toString('base64url'));
  });

  it('gives a fresh session (id and secret) at every sign-in', () => {
    const a = sessions.create(base);
    const b = sessions.create(base);
    expect(a.secret).not.toBe(b.secret);
    expect(a.session.id).not.toBe(b.session.id);
    expect(sessions.lookup(a.secret)?.id).toBe(a.session.id);
    expect(sessions.lookup(b.secret)?.id).toBe(b.session.id);
  });

  it('refuses non-positive TTLs', () => {
    expect(() => sessions.create({ ...base, idleTtlSeconds: 0 })).toThrow(/idleTtlSeconds/);
    expect(() => sessions.create({ ...base, absoluteTtlSeconds: Number.NaN })).toThrow(/absoluteTtlSeconds/);
  });
});

describe('lookup', () => {
  it('returns the session record', () => {
    const { secret } = sessions.create(base);
    expect(sessions.lookup(secret)).toEqual({
      id: expect.any(String),
      userId: 'u1',
      tenantId: 't1',
      issuer: base.issuer,
      subject: 'sub-1',
      createdAt: new Date(T0),
      expiresAt: new Date(T0 + 3600_000),
      lastSeenAt: new Date(T0),
      idleExpiresAt: new Date(T0 + 600_000),
      claims: {},
    });
  });

  it('keeps the ID-token claims it was given, for policies (claim/<name>, auth_age)', () => {
    const claims = { amr: ['pwd', 'mfa'], acr: 'c1', auth_time: 1_700_000_000 };
    const { secret } = sessions.create({ ...base, claims });
    expect(sessions.lookup(secret)?.claims).toEqual(claims);
  });

  it.each(['', 'x', 'not a secret at all', 'A'.repeat(42), 'A'.repeat(44), `${'A'.repeat(42)}=`, `${'A'.repeat(42)}+`])(
    'unknown or malformed secret %j is undefined',
    (secret) => {
      sessions.create(base);
      expect(sessions.lookup(secret)).toBeUndefined();
    },
  );

  it('a well-formed but unknown secret is undefined', () => {
    expect(sessions.lookup('A'.repeat(43))).toBeUndefined();
  });

  it('ends at the idle expiry without activity', () => {
    const { secret } = sessions.create(base);
    clock = T0 + TOUCH_INTERVAL_MS - 1; // too soon to slide
    expect(sessions.lookup(secret)).toBeDefined();
    clock = T0 + 600_000;
    expect(sessions.lookup(secret)).toBeUndefined();
  });

  it('slides the idle expiry with activity, at most one write a minute', () => {
    const { secret, session } = sessions.create(base);
    clock = T0 + TOUCH_INTERVAL_MS - 1;
    expect(sessions.lookup(secret)?.idleExpiresAt).toEqual(new Date(T0 + 600_000));
    expect(row(session.id).last_seen_at).toBe(T0);
    clock = T0 + TOUCH_INTERVAL_MS;
    expect(sessions.lookup(secret)?.idleExpiresAt).toEqual(new Date(clock + 600_000));
    expect(row(session.id).last_seen_at).toBe(clock);
    // Activity every 5 minutes keeps it alive far beyond one idle TTL …
    for (let i = 0; i < 10; i += 1) {
      clock += 300_000;
      expect(sessions.lookup(secret)).toBeDefined();
    }
  });

  it('never outlives the absolute expiry, however active', () => {
    const { secret } = sessions.create(base);
    for (clock = T0; clock < T0 + 3600_000; clock += 120_000) {
      const found = sessions.lookup(secret);
      expect(found).toBeDefined();
      expect(found!.idleExpiresAt.getTime()).toBeLessThanOrEqual(T0 + 3600_000);
    }
    clock = T0 + 3600_000;
    expect(sessions.lookup(secret)).toBeUndefined();
  });

  it('does not write when the session is read many times within a minute', () => {
    const { secret } = sessions.create(base);
    const before = store.sqlite.prepare('SELECT total_changes() AS n').get() as { n: number };
    for (let i = 0; i < 100; i += 1) sessions.lookup(secret);
    const after = store.sqlite.prepare('SELECT total_changes() AS n').get() as { n: number };
    expect(after.n).toBe(before.n);
  });
});

describe('revocation', () => {
  it('sign-out revokes server-side: the cookie stops working', () => {
    const { secret, session } = sessions.create(base);
    expect(sessions.revoke(secret, 'sign-out')).toBe(true);
    expect(sessions.lookup(secret)).toBeUndefined();
    expect(row(session.id)).toMatchObject({ revoked_at: T0, revoke_reason: 'sign-out' });
    expect(sessions.revoke(secret, 'sign-out')).toBe(false);
    expect(sessions.revoke('garbage', 'sign-out')).toBe(false);
  });

  it('revokeAllForUser ends only that user\'s live sessions', () => {
    const a = sessions.create(base);
    const b = sessions.create(base);
    const other = sessions.create({ ...base, userId: 'u2' });
    sessions.revoke(a.secret, 'sign-out');
    expect(sessions.revokeAllForUser('u1', 'user-deactivated')).toBe(1);
    expect(sessions.lookup(b.secret)).toBeUndefined();
    expect(sessions.lookup(other.secret)).toBeDefined();
    expect(row(a.session.id).revoke_reason).toBe('sign-out');
  });

  it('deleteAllForUser removes the rows', () => {
    const a = sessions.create(base);
    sessions.create({ ...base, userId: 'u2' });
    expect(sessions.deleteAllForUser('u1')).toBe(1);
    expect(row(a.session.id)).toBeUndefined();
  });

  it('tells onRevoke when a live session ended', () => {
    let calls = 0;
    const watched = createSessionStore({ store, now: () => new Date(clock), onRevoke: () => (calls += 1) });
    const { secret } = watched.create(base);
    watched.revoke(secret, 'sign-out');
    watched.revoke(secret, 'sign-out');
    expect(calls).toBe(1);
    watched.create(base);
    watched.revokeAllForUser('u1', 'x');
    watched.revokeAllForUser('u1', 'x');
    expect(calls).toBe(2);
  });
});

describe('recordRevocation', () => {
  it('is told of every session a revocation ends, with its reason, inside the same write', () => {
    const told: unknown[] = [];
    let refuse = false;
    const watched = createSessionStore({
      store,
      now: () => new Date(clock),
      recordRevocation: (revoked) => {
        if (refuse) throw new Error('the log refuses');
        told.push({ ...revoked, inTransaction: store.sqlite.inTransaction });
      },
    });
    const a = watched.create(base);
    const b = watched.create(base);
    watched.create({ ...base, userId: 'u2' });
    expect(watched.revoke(a.secret, 'sign-out')).toBe(true);
    expect(watched.revokeAllForUser('u1', 'admin')).toBe(1);
    const { issuer, subject } = base;
    expect(told).toEqual([
      { id: a.session.id, userId: 'u1', issuer, subject, reason: 'sign-out', inTransaction: true },
      { id: b.session.id, userId: 'u1', issuer, subject, reason: 'admin', inTransaction: true },
    ]);
    // A record that fails undoes the revocation: the session stays live.
    const c = watched.create({ ...base, userId: 'u3' });
    refuse = true;
    expect(() => watched.revokeAllForUser('u3', 'admin')).toThrow('the log refuses');
    expect(watched.lookup(c.secret)?.id).toBe(c.session.id);
  });
});

describe('list', () => {
  it('live sessions newest first, by user or all; `ended` adds revoked and expired rows with their reason', () => {
    const old = sessions.create({ ...base, idleTtlSeconds: 60 });
    clock += 1000;
    const revoked = sessions.create(base);
    clock += 1000;
    const live = sessions.create(base);
    const other = sessions.create({ ...base, userId: 'u2' });
    sessions.revoke(revoked.secret, 'sign-out');
    clock += 60_000;
    const ids = (query: Parameters<SessionStore['list']>[0]) => sessions.list(query).map((s) => s.id);
    expect(ids({ userId: 'u1', limit: 10 })).toEqual([live.session.id]);
    expect(ids({ userId: 'u1', ended: true, limit: 10 })).toEqual([live.session.id, revoked.session.id, old.session.id]);
    expect(sessions.list({ userId: 'u1', ended: true, limit: 10 }).map((s) => s.revokeReason)).toEqual([null, 'sign-out', null]);
    expect(ids({ ended: true, limit: 2 })).toHaveLength(2);
    expect(new Set(ids({ limit: 10 }))).toEqual(new Set([live.session.id, other.session.id]));
  });
});

describe('purgeExpired', () => {
  it('deletes sessions past their idle or absolute expiry, revoked ones once idle-expired', () => {
    const live = sessions.create({ ...base, idleTtlSeconds: 3000 });
    const idle = sessions.create({ ...base, idleTtlSeconds: 60 });
    const revoked = sessions.create({ ...base, idleTtlSeconds: 3000 });
    sessions.revoke(revoked.secret, 'sign-out');
    clock = T0 + 61_000;
    expect(sessions.purgeExpired()).toBe(1);
    expect(row(idle.session.id)).toBeUndefined();
    expect(row(revoked.session.id)).toBeDefined();
    clock = T0 + 3600_000;
    expect(sessions.purgeExpired()).toBe(2);
    expect(row(live.session.id)).toBeUndefined();
  });
});

describe('sessions on a database another process is writing', () => {
  let dir: string;
  let here: Store;
  let other: Database.Database;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'scimgate-sessions-busy-'));
    // A long wait, so that a touch that waited for the lock would show (and time the test out).
    here = openStore(join(dir, 'db.sqlite'), { busyTimeoutMs: 60_000 });
    other = new Database(join(dir, 'db.sqlite'));
  });
  afterEach(() => {
    other.close();
    here.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the once-a-minute touch neither throws nor waits while another process holds the write lock, and is written later', () => {
    const busy = createSessionStore({ store: here, now: () => new Date(clock) });
    const { secret, session } = busy.create(base);
    const lastSeen = () => here.sqlite.prepare('SELECT last_seen_at FROM sessions WHERE id = ?').pluck().get(session.id);
    clock += TOUCH_INTERVAL_MS;
    other.exec('BEGIN IMMEDIATE');
    expect(busy.lookup(secret)?.id).toBe(session.id);
    expect(lastSeen()).toBe(T0);
    other.exec('COMMIT');
    expect(busy.lookup(secret)?.id).toBe(session.id);
    expect(lastSeen()).toBe(clock);
  });
});
