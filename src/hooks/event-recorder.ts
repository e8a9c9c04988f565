/**
 * Turns what happens in scimgate into hook events in the outbox, inside the write that makes it
 * happen: directory changes (a ChangeListener), sessions created and revoked (SessionEvents), SCIM
 * tokens created and revoked (TokenEvents). What it appends commits or rolls back with its cause.
 *
 * Register the directory listener before the revocation listener (src/revocation/): a
 * deprovisioning then reads, in the outbox, user.deactivated (or user.deleted) followed by the
 * session.revoked events it caused — cause first, in one transaction.
 */
import type { ChangedUser, ChangeListener, EffectiveGroupsChange, RecordedEvent } from '../persistence/directory.js';
import type { HookUser, Outbox, SessionRevokeReason } from '../persistence/outbox.js';
import type { SessionEvents } from '../persistence/sessions.js';
import type { TokenEvents } from '../persistence/tokens.js';

export interface EventRecorderDeps {
  outbox: Outbox;
  /** The user a session belongs to, read inside the write (during a deletion's listeners the row is still there). */
  userById(id: string): ChangedUser | undefined;
}

export interface EventRecorder {
  /** A directory ChangeListener: register it before the revocation listener (see above). */
  directory: ChangeListener;
  sessions: SessionEvents;
  tokens: TokenEvents;
}

/** The revokers' own reasons (src/revocation/, the session routes, the operator's command) in the hooks' words. */
const REVOKE_REASONS: Readonly<Record<string, SessionRevokeReason>> = {
  'user-deactivated': 'deprovisioned',
  'user-deleted': 'deprovisioned',
  'sign-out': 'signed-out',
  'replaced-by-sign-in': 'signed-out',
  admin: 'admin',
  'expired-early': 'expired-early',
};

/** Any other reason is an explicit revoke by someone other than the user: an operator's, in the hooks' words. */
export const hookRevokeReason = (reason: string): SessionRevokeReason => REVOKE_REASONS[reason] ?? 'admin';

export function hookUser(user: ChangedUser): HookUser {
  return {
    id: user.id,
    userName: user.userName,
    ...(user.externalId !== null ? { externalId: user.externalId } : {}),
    ...(user.email !== undefined ? { email: user.email } : {}),
  };
}

export function createEventRecorder(deps: EventRecorderDeps): EventRecorder {
  const { outbox } = deps;
  const groupsChanged = (changes: readonly EffectiveGroupsChange[], occurredAt: string) => {
    for (const change of changes) {
      outbox.append({ type: 'user.groups_changed', occurredAt, user: hookUser(change.user), groups: { added: change.added, removed: change.removed } });
    }
  };
  const directory: ChangeListener = (event: RecordedEvent) => {
    const { occurredAt } = event;
    if (event.type === 'user.deactivated' || event.type === 'user.reactivated' || event.type === 'user.deleted') {
      const user = event.user ?? deps.userById(event.resourceId);
      outbox.append({ type: event.type, occurredAt, ...(user ? { user: hookUser(user) } : {}) });
    }
    if (event.effectiveGroups) groupsChanged(event.effectiveGroups, occurredAt);
  };
  const userOf = (id: string) => {
    const user = deps.userById(id);
    return user ? { user: hookUser(user) } : {};
  };
  return {
    directory,
    sessions: {
      created(session) {
        outbox.append({
          type: 'session.created',
          occurredAt: session.createdAt.toISOString(),
          ...userOf(session.userId),
          session: { id: session.id, issuer: session.issuer, subject: session.subject },
        });
      },
      revoked(session) {
        outbox.append({
          type: 'session.revoked',
          ...userOf(session.userId),
          session: { id: session.id, issuer: session.issuer, subject: session.subject, reason: hookRevokeReason(session.reason) },
        });
      },
    },
    tokens: {
      created: (token) => void outbox.append({ type: 'scim_token.created', token: { id: token.id, name: token.name } }),
      revoked: (token) => void outbox.append({ type: 'scim_token.revoked', token: { id: token.id, name: token.name } }),
    },
  };
}
