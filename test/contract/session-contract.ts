/**
 * What any implementation of the sessions' persistence (src/persistence/sessions.ts) must do:
 * secrets that only work while the session lives, sign-out, and — wired to the directory as the
 * server wires it (src/revocation/) — the end of a user's sessions inside the very write that
 * deactivates or deletes the user, undone with it when that write fails.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChangeListener, SessionStore } from '../../src/persistence/index.js';
import { createRevocationListener } from '../../src/revocation/index.js';
import { ok } from '../../src/shared/result.js';
import { user, type OpenStores, type Stores } from './stores.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const session = (userId: string) => ({ userId, tenantId: 't', issuer: 'https://idp.example', subject: `sub-${userId}`, absoluteTtlSeconds: 3600, idleTtlSeconds: 600 });

export function sessionContract(implementation: string, open: OpenStores): void {
  describe(`session contract: ${implementation}`, () => {
    let stores: Stores;
    let sessions: SessionStore;
    let clock: number;
    let refuseAfterRevocation = false;
    beforeEach(() => {
      clock = T0;
      refuseAfterRevocation = false;
      // The revocation listener needs the sessions, which the factory makes: late-bound, as main.ts does.
      const revoke: ChangeListener = (event) => createRevocationListener(stores.sessions)(event);
      const refuse: ChangeListener = (event) => {
        if (refuseAfterRevocation && event.type === 'user.deactivated') throw new Error('a later listener refuses');
      };
      stores = open({ listeners: [revoke, refuse], now: () => new Date(clock) });
      sessions = stores.sessions;
    });
    afterEach(() => stores.close());

    const newUserId = (userName: string): string => {
      const created = stores.directory.users.create(user(userName));
      if (!created.ok) throw new Error(created.error.detail);
      return created.value.id;
    };
    const deactivate = (id: string) => stores.directory.users.modify(id, (doc) => ok({ ...doc, active: false }));

    it('a secret finds its session until sign-out; only the session it names ends', () => {
      const alice = newUserId('alice@example.com');
      const first = sessions.create(session(alice));
      const second = sessions.create(session(alice));
      expect(first.secret).not.toBe(second.secret);
      expect(sessions.lookup(first.secret)?.id).toBe(first.session.id);
      expect(sessions.revoke(first.secret, 'sign-out')).toBe(true);
      expect(sessions.revoke(first.secret, 'sign-out')).toBe(false);
      expect(sessions.lookup(first.secret)).toBeUndefined();
      expect(sessions.lookup(second.secret)?.id).toBe(second.session.id);
    });

    it('a session ends at its idle and absolute expiry', () => {
      const alice = newUserId('alice@example.com');
      const { secret } = sessions.create(session(alice));
      clock += 601_000;
      expect(sessions.lookup(secret)).toBeUndefined();
      expect(sessions.purgeExpired()).toBe(1);
    });

    it('an idle session is ended with reason expired-early; a live one and one at its absolute expiry are not', () => {
      const alice = newUserId('alice@example.com');
      const idle = sessions.create(session(alice));
      clock += 300_000;
      const busy = sessions.create(session(alice));
      clock += 301_000; // idle's idle timeout (600 s) has passed, busy's has not
      expect(sessions.endIdle()).toBe(1);
      expect(sessions.endIdle()).toBe(0);
      const listed = sessions.list({ userId: alice, ended: true, limit: 10 });
      expect(listed.find((s) => s.id === idle.session.id)?.revokeReason).toBe('expired-early');
      expect(sessions.lookup(busy.secret)?.id).toBe(busy.session.id);
      // Idle and absolute expiry coincide: the session ran its full course, nothing ended it early.
      const full = sessions.create({ ...session(alice), absoluteTtlSeconds: 600, idleTtlSeconds: 600 });
      clock += 601_000;
      expect(sessions.lookup(full.secret)).toBeUndefined();
      expect(sessions.endIdle()).toBe(1); // busy, idle by now
      expect(sessions.list({ userId: alice, ended: true, limit: 10 }).find((s) => s.id === full.session.id)?.revokeReason ?? null).toBeNull();
    });

    it('deactivating a user ends every session of that user, in the same write, and no one else\'s', () => {
      const alice = newUserId('alice@example.com');
      const bob = newUserId('bob@example.com');
      const a1 = sessions.create(session(alice));
      const a2 = sessions.create(session(alice));
      const b = sessions.create(session(bob));
      expect(deactivate(alice).ok).toBe(true);
      expect(sessions.lookup(a1.secret)).toBeUndefined();
      expect(sessions.lookup(a2.secret)).toBeUndefined();
      expect(sessions.lookup(b.secret)?.userId).toBe(bob);
    });

    it('deleting a user ends (and removes) its sessions', () => {
      const alice = newUserId('alice@example.com');
      const a = sessions.create(session(alice));
      expect(stores.directory.users.delete(alice).ok).toBe(true);
      expect(sessions.lookup(a.secret)).toBeUndefined();
      expect(sessions.revokeAllForUser(alice, 'again')).toBe(0);
    });

    it('a deactivation that fails after the sessions were ended leaves them live: both roll back together', () => {
      const alice = newUserId('alice@example.com');
      const a = sessions.create(session(alice));
      refuseAfterRevocation = true;
      expect(() => deactivate(alice)).toThrow('a later listener refuses');
      expect(stores.directory.users.get(alice)?.active).toBe(true);
      expect(sessions.lookup(a.secret)?.userId).toBe(alice);
    });

    it('a deactivation refused by its If-Match ends no session', () => {
      const alice = newUserId('alice@example.com');
      const a = sessions.create(session(alice));
      expect(stores.directory.users.modify(alice, (doc) => ok({ ...doc, active: false }), 'W/"9"').ok).toBe(false);
      expect(sessions.lookup(a.secret)?.userId).toBe(alice);
    });
  });
}
