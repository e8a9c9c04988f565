/**
 * Sign-in sessions' persistence, as any implementation must provide it. The cookie carries a
 * random secret; only its hash is stored. Revocation is immediate and, when it ends a user's
 * sessions because the directory deactivated or deleted the user, happens inside that directory
 * write (src/revocation/). The SQLite implementation is src/access/sessions/sqlite/; the contract
 * is test/contract/session-contract.ts.
 */
export interface SessionRecord {
  /** Random row id (not the secret): safe to log and to show in an admin view. */
  id: string;
  userId: string;
  tenantId: string | null;
  issuer: string;
  subject: string;
  createdAt: Date;
  /** Absolute expiry: activity never extends it. */
  expiresAt: Date;
  lastSeenAt: Date;
  /** Slides with activity, never past `expiresAt`. */
  idleExpiresAt: Date;
  /** The ID-token claims kept at sign-in for policies (`claim/<name>`, `auth_age`); `{}` when none. */
  claims: Readonly<Record<string, unknown>>;
}

/** A session as a listing shows it: live, or ended (and why) until its row is purged. */
export interface StoredSession extends SessionRecord {
  revokedAt: Date | null;
  /** The stored reason: 'sign-out', 'replaced-by-sign-in', 'user-deactivated', 'user-deleted', 'admin'. */
  revokeReason: string | null;
}

/** A session a write has just ended, told to the store's `recordRevocation` inside that write. */
export interface RevokedSession {
  id: string;
  userId: string;
  issuer: string;
  subject: string;
  reason: string;
}

export interface SessionQuery {
  /** Only this user's sessions. */
  userId?: string;
  /** Include revoked and expired sessions still stored (default: live ones only). */
  ended?: boolean;
  /** At most this many, newest first. */
  limit: number;
}

/**
 * Told of every session created and every live session revoked, inside the write that does it
 * (the hooks' outbox, src/hooks/): what it appends commits with the session, and throwing undoes it.
 */
export interface SessionEvents {
  created(session: SessionRecord): void;
  revoked(session: RevokedSession): void;
}

export interface NewSession {
  userId: string;
  tenantId: string | null;
  issuer: string;
  subject: string;
  absoluteTtlSeconds: number;
  idleTtlSeconds: number;
  /** ID-token claims to keep with the session (already selected: see keptClaims). */
  claims?: Readonly<Record<string, unknown>>;
}

export interface SessionStore {
  /** A fresh session (new id, new secret) — call at every sign-in, never reuse one. */
  create(input: NewSession): { secret: string; session: SessionRecord };
  /** The live session for a cookie secret, or undefined when unknown, revoked or expired. */
  lookup(secret: string): SessionRecord | undefined;
  /** Sign-out: true when a live session was revoked by this call. */
  revoke(secret: string, reason: string): boolean;
  /** Ends every live session of the user; safe inside the directory's transaction. An operator's revoke passes ADMIN_REVOKE_REASON. */
  revokeAllForUser(userId: string, reason: string): number;
  /** Sessions newest first (live only unless `ended`), for operators (`scimgate sessions list`). */
  list(query: SessionQuery): StoredSession[];
  /** Deletes every session row of the user (the user itself is gone). */
  deleteAllForUser(userId: string): number;
  /**
   * Ends, as revocations with reason `expired-early`, the live sessions whose idle expiry has passed
   * before their absolute expiry: downstream systems hear that they ended (hooks, audit) like any
   * other revocation. Returns how many.
   */
  endIdle(): number;
  /** Deletes rows past their idle (hence also absolute) expiry, revoked ones included. */
  purgeExpired(): number;
}
