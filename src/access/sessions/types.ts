/** The session store's public shapes, shared by the HTTP layer and revocation; declared with the other stores' in src/persistence/. */
export type { NewSession, RevokedSession, SessionQuery, SessionRecord, SessionStore, StoredSession } from '../../persistence/sessions.js';
