/** Server-side sign-in sessions: the cookie carries a random secret, the database its hash. */
export { createSessionStore, TOUCH_INTERVAL_MS, type SessionStoreDeps } from './sqlite/session-store.js';
export { hashSecret, isSecretShaped, newSecret, SECRET_BYTES, type RandomBytes } from './secret.js';
export type { NewSession, RevokedSession, SessionQuery, SessionRecord, SessionStore, StoredSession } from './types.js';
export { SESSION_REVOKE_REASON } from './revoke-reasons.js';
export { claimsToKeep, DEFAULT_KEPT_CLAIMS, keptClaims, MAX_CLAIM_JSON } from './kept-claims.js';
export { startSessionSweep, SESSION_SWEEP_MS, type SessionSweepOptions } from './session-sweep.js';
