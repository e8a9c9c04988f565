/** SCIM bearer tokens: the service, its error type and the token format. */
export {
  createTokenService,
  LAST_USED_RESOLUTION_MS,
  type BootstrapResult,
  type TokenRecord,
  type TokenService,
  type TokenServiceDeps,
} from './token-service.js';
export { TokenError, type TokenErrorCode } from './token-errors.js';
export { TOKEN_PREFIX, MIN_BOOTSTRAP_TOKEN_LENGTH, hashToken } from './token-secret.js';
