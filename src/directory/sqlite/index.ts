/**
 * The directory over SQLite: the Directory of src/persistence/directory.ts, the only writer of
 * the directory tables. Every write is one unit of work of the store (src/store/unit-of-work.ts).
 */
import type { Directory } from '../../persistence/directory.js';
import { resolveDeps, type DirectoryDeps } from './deps.js';
import { createBulkReads } from './bulk-reads.js';
import { createEffectiveGroups } from './effective-groups.js';
import { createEventLog } from './events.js';
import { createGroupEffects } from './group-effects.js';
import { createGroupStore } from './groups.js';
import { createMemberReads } from './member-reads.js';
import { createMemberships } from './memberships.js';
import { createUserLookup } from './user-lookup.js';
import { createUserStore } from './users.js';
import { createDirectoryVersion } from './version.js';

export type { DirectoryDeps } from './deps.js';
export { SearchBusy, startOffThreadSearch, type OffThreadSearch, type OffThreadSearchOptions, type Relations } from './off-thread-search.js';
export { createUserLookup, findUserByAttribute, parseLinkAttribute } from './user-lookup.js';
export { membershipPath } from './bulk-reads.js';
export { changedUserOf } from './changed-user.js';

export function createDirectory(input: DirectoryDeps): Directory {
  const deps = resolveDeps(input);
  const version = createDirectoryVersion(deps.store);
  const events = createEventLog(deps.store.sqlite, [() => version.noteChange(), ...deps.listeners]);
  const memberships = createMemberships(deps.store.sqlite);
  return {
    /** Runs several reads as one snapshot (src/store/read-snapshot.ts). */
    read: deps.store.read,
    /** The store's unit of work (src/store/unit-of-work.ts): batches run in it; every directory write is one. */
    writes: deps.store.writes,
    /** Moves whenever the directory may have changed, in this process or another (see version.ts). */
    version: (): number => version.current(),
    users: createUserStore(deps, events, memberships),
    groups: createGroupStore(deps, events, memberships, createGroupEffects(deps.store.sqlite, deps.effectiveGroupChanges)),
    reads: createMemberReads(deps.store.sqlite),
    /** Effective (nested) membership for the access layer: `effective.effectiveGroups(userId)`. */
    effective: createEffectiveGroups(deps.store.sqlite),
    /** Every user with effective groups in one snapshot, set-based, for access reviews (read-only). */
    bulk: createBulkReads(deps.store.sqlite, deps.store.read),
    /** Sign-in linking by an immutable attribute (never e-mail): `lookup.findUserByAttribute(…)`. */
    lookup: createUserLookup(deps.store),
    /**
     * Logs a session's revocation (sign-out, deprovisioning, an operator's revoke) in the change
     * log, inside the caller's transaction (the session store's revocation). Not a directory
     * change, but the log is what other servers on the same database watch (version.ts): their
     * remembered decisions for that session end at once.
     */
    recordSessionRevoked(sessionId: string, data?: { userId: string; reason: string }): void {
      events.record({ type: 'session.revoked', resourceType: 'Session', resourceId: sessionId, ...(data ? { data } : {}) }, deps.now().toISOString());
    },
  };
}

