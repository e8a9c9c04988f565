/**
 * The reasons the access layer stores when it ends a session (sessions.revoke_reason). The
 * directory's own (a deactivation or deletion) are src/revocation/'s REVOKE_REASON. Stable
 * strings: operators read them in `scimgate sessions list --all`, and the hooks map them to the
 * reasons receivers see (signed-out, admin; docs/hooks.md).
 */
export const SESSION_REVOKE_REASON = {
  signOut: 'sign-out',
  /** A browser signed in again: its previous session ends (no fixation). */
  replacedBySignIn: 'replaced-by-sign-in',
  /** An operator's `scimgate sessions revoke`. */
  admin: 'admin',
  /** Idle past its idle timeout before its absolute expiry: ended by the server's sweep. */
  idleExpired: 'expired-early',
} as const;
