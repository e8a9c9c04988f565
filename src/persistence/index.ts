/**
 * The store seam: what the directory's, the sessions', the tokens' and the audit log's persistence must provide,
 * declared in one place. Implementations live beside their users (src/directory/sqlite/,
 * src/access/sessions/sqlite/, src/tokens/sqlite/) and must pass the same contract tests
 * (test/contract/). Types only: nothing here runs.
 */
export type * from './directory.js';
export type * from './outbox.js';
export type * from './sessions.js';
export type * from './tokens.js';
export type * from './audit.js';
export type { WriteBatches } from './write-batches.js';
