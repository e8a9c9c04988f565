/**
 * The one error type of the token domain. Callers (CLI, boot) branch on the stable `code`,
 * never on the message; messages never contain a token value.
 */

export type TokenErrorCode =
  /** An active token already uses this name. */
  | 'token-name-taken'
  /** Names are for humans and shells: letters, digits, `.`, `_`, `-`, at most 64 characters. */
  | 'token-name-invalid'
  /** A bootstrap token (SCIMGATE_SCIM_TOKEN) is too short to resist guessing. */
  | 'token-too-short'
  /** A bootstrap token has characters a client cannot send in `Authorization: Bearer` (RFC 6750 §2.1). */
  | 'token-invalid-characters'
  /** A bootstrap token's value is already stored under another name. */
  | 'token-value-in-use';

export class TokenError extends Error {
  readonly code: TokenErrorCode;

  constructor(code: TokenErrorCode, message: string) {
    super(message);
    this.name = 'TokenError';
    this.code = code;
  }
}
