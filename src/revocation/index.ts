/** Directory change events → revoked sessions. */
export { createRevocationListener, REVOKE_REASON } from './revocation-listener.js';
