/** Directory change events → revoked sessions, and the generation signal decision caches key on. */
export { createRevocationListener, REVOKE_REASON } from './revocation-listener.js';
export { createDirectoryGeneration, type DirectoryGeneration } from './generation.js';
