/**
 * Deprovisioning ends access (issue 4 §7): deactivation and deletion end the user's sessions in
 * the same transaction as the directory change; a failure to end them rolls the change back.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSessionStore, type SessionStore } from '../../src/access/sessions/index.js';
import { createDirectory, type ChangeListener, type Directory } from '../../src/directory/index.js';
import { createRevocationListener, REVOKE_REASON } from '../../src/revocation/index.js';
import { ok } from '../../src/shared/result.js';
import { openStore, type Store } from '../../src/store/index.js';

const session = { tenantId: 't', issuer: 'https://op.example', subject: 's', absoluteTtlSeconds: 3600, idleTtlSeconds: 600 };

let store: Store;
let sessions: SessionStore;
let directory: Directory;
let userId: string;
let otherId: string;

function setUp(extra: ChangeListener[] = []): void {
  sessions = createSessionStore({ store });
  directory = createDirectory({ store, listeners: [createRevocationListener(sessions), ...extra] });
  const a = directory.users.create({ userName: 'alice@example.com', active: true });
  const b = directory.users.create({ userName: 'bob@example.com', active: true });
  if (!a.ok || !b.ok) throw new Error('seed failed');
  userId = a.value.id;
  otherId = b.value.id;
}

const deactivate = (id: string) => directory.users.modify(id, (doc) => ok({ ...doc, active: false }));
const reason = (id: string) =>
  (store.sqlite.prepare('SELECT revoke_reason AS r FROM sessions WHERE id = ?').get(id) as { r: string | null } | undefined)?.r;

beforeEach(() => {
  store = openStore(':memory:');
});
afterEach(() => store.close());

describe('Entra deprovisioning ends sessions', () => {
  beforeEach(() => setUp());

  it('active false revokes every session of that user, no one else\'s', () => {
    const s1 = sessions.create({ ...session, userId });
    const s2 = sessions.create({ ...session, userId });
    const bob = sessions.create({ ...session, userId: otherId });
    expect(deactivate(userId).ok).toBe(true);
    expect(sessions.lookup(s1.secret)).toBeUndefined();
    expect(sessions.lookup(s2.secret)).toBeUndefined();
    expect(sessions.lookup(bob.secret)).toBeDefined();
    expect(reason(s1.session.id)).toBe(REVOKE_REASON.deactivated);
  });

  it('DELETE removes the user\'s session rows', () => {
    const s1 = sessions.create({ ...session, userId });
    expect(directory.users.delete(userId).ok).toBe(true);
    expect(sessions.lookup(s1.secret)).toBeUndefined();
    expect(reason(s1.session.id)).toBeUndefined();
  });

  it('an update that keeps the user active keeps the session', () => {
    const s1 = sessions.create({ ...session, userId });
    expect(directory.users.modify(userId, (doc) => ok({ ...doc, displayName: 'Alice' })).ok).toBe(true);
    expect(sessions.lookup(s1.secret)).toBeDefined();
  });

  it('reactivation does not bring a revoked session back', () => {
    const s1 = sessions.create({ ...session, userId });
    deactivate(userId);
    directory.users.modify(userId, (doc) => ok({ ...doc, active: true }));
    expect(sessions.lookup(s1.secret)).toBeUndefined();
  });

  it('group changes revoke nothing (decisions read the live directory instead)', () => {
    const s1 = sessions.create({ ...session, userId });
    const group = directory.groups.create({ displayName: 'Admins', members: [{ value: userId }] });
    expect(group.ok).toBe(true);
    if (group.ok) directory.groups.delete(group.value.id);
    expect(sessions.lookup(s1.secret)).toBeDefined();
  });
});

describe('same transaction', () => {
  it('when ending the sessions fails, the deactivation rolls back', () => {
    setUp([
      (event) => {
        if (event.type === 'user.deactivated') throw new Error('revocation store unavailable');
      },
    ]);
    const s1 = sessions.create({ ...session, userId });
    expect(() => deactivate(userId)).toThrow('revocation store unavailable');
    expect(directory.users.get(userId)?.active).toBe(true);
    // The revocation listener ran first, but its UPDATE rolled back with the change.
    expect(sessions.lookup(s1.secret)).toBeDefined();
    expect(store.sqlite.prepare("SELECT count(*) AS n FROM events WHERE type = 'user.deactivated'").get()).toEqual({ n: 0 });
  });

  it('when the revocation listener itself throws, the SCIM change rolls back', () => {
    sessions = createSessionStore({ store });
    const broken = createRevocationListener({
      revokeAllForUser: () => {
        throw new Error('boom');
      },
      deleteAllForUser: () => 0,
    });
    directory = createDirectory({ store, listeners: [broken] });
    const created = directory.users.create({ userName: 'carol@example.com' });
    if (!created.ok) throw new Error('seed failed');
    expect(() => directory.users.delete(created.value.id)).toThrow('boom');
    expect(directory.users.get(created.value.id)).toBeDefined();
  });

  it('the revocation is visible to the very next lookup after the change returns', () => {
    setUp();
    const s1 = sessions.create({ ...session, userId });
    let seenInside: boolean | undefined;
    const probe: ChangeListener = () => {
      seenInside = sessions.lookup(s1.secret) === undefined;
    };
    directory = createDirectory({ store, listeners: [createRevocationListener(sessions), probe] });
    deactivate(userId);
    expect(seenInside).toBe(true);
    expect(sessions.lookup(s1.secret)).toBeUndefined();
  });
});
