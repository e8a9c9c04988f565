/**
 * Directory change events → ended sessions. Registered as a directory ChangeListener, so it runs
 * inside the transaction that deactivates or deletes the user: the change and the end of that
 * user's sessions commit together, and if ending them fails (throws) the SCIM change rolls back
 * too — a deprovisioned user can never keep a live session.
 *
 * Group changes revoke nothing on purpose: every decision reads the live directory, so a removal
 * from a group changes the next decision without ending the user's other access.
 *
 * Downstream systems hear of it through the hooks (src/hooks/): their listener runs just before
 * this one in the same transaction, and the session store tells them of each session ended here.
 */
import type { ChangeListener } from '../directory/index.js';
import type { SessionStore } from '../access/sessions/index.js';

export const REVOKE_REASON = {
  deactivated: 'user-deactivated',
  deleted: 'user-deleted',
} as const;

export function createRevocationListener(sessions: Pick<SessionStore, 'revokeAllForUser' | 'deleteAllForUser'>): ChangeListener {
  return (event) => {
    if (event.resourceType !== 'User') return;
    if (event.type === 'user.deactivated') {
      sessions.revokeAllForUser(event.resourceId, REVOKE_REASON.deactivated);
    } else if (event.type === 'user.deleted') {
      // Same ending as a deactivation, then drop the rows: sessions of a user who no longer
      // exists carry nothing worth keeping (and no foreign key would do it for us).
      sessions.revokeAllForUser(event.resourceId, REVOKE_REASON.deleted);
      sessions.deleteAllForUser(event.resourceId);
    }
  };
}
