/**
 * What a SCIM bearer token looks like and how it is stored: a recognisable prefix plus 256
 * random bits, kept only as a SHA-256 digest. Pure functions; the service does the I/O.
 */
import { timingSafeEqual } from 'node:crypto';
import { sha256 } from '../crypto/sha256.js';
import { TokenError } from './token-errors.js';

/** Lets secret scanners (and humans) recognise a leaked scimgate token. */
export const TOKEN_PREFIX = 'scimgate_';
export const TOKEN_RANDOM_BYTES = 32;
/** Bootstrap tokens come from the operator; below this they are guessable in practice. */
export const MIN_BOOTSTRAP_TOKEN_LENGTH = 20;
/** Nothing we issue comes near this; longer presented values are rejected before hashing. */
export const MAX_PRESENTED_TOKEN_LENGTH = 1024;

/** RFC 6750 §2.1 b64token: the only characters a client can put after `Bearer `. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const TOKEN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function formatToken(random: Buffer, prefix: string = TOKEN_PREFIX): string {
  return prefix + random.toString('base64url');
}

/**
 * SHA-256, not bcrypt/scrypt/argon2: slow hashes protect low-entropy passwords from offline
 * guessing. Our tokens carry 256 random bits, so a fast hash already makes a stolen digest
 * useless, and verification stays cheap on the per-request hot path.
 */
export function hashToken(token: string): string {
  return sha256(token, 'hex');
}

/** Constant-time comparison of two hex digests of equal length. */
export function digestsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}

export function assertTokenName(name: string): void {
  if (!TOKEN_NAME.test(name)) {
    throw new TokenError(
      'token-name-invalid',
      `Token name ${JSON.stringify(name)} is invalid: use 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit`,
    );
  }
}

/** Checks an operator-supplied token; the error messages never echo the value. */
export function assertBootstrapToken(token: string): void {
  if (token.length < MIN_BOOTSTRAP_TOKEN_LENGTH) {
    throw new TokenError(
      'token-too-short',
      `SCIMGATE_SCIM_TOKEN must be at least ${MIN_BOOTSTRAP_TOKEN_LENGTH} characters (got ${token.length}); ` +
        'generate one with `scimgate token create NAME` or `openssl rand -base64 32`',
    );
  }
  if (token.length > MAX_PRESENTED_TOKEN_LENGTH || !B64TOKEN.test(token)) {
    throw new TokenError(
      'token-invalid-characters',
      'SCIMGATE_SCIM_TOKEN may only contain letters, digits and - . _ ~ + / (then optional "=" padding), ' +
        `at most ${MAX_PRESENTED_TOKEN_LENGTH} characters, so clients can send it as a Bearer token`,
    );
  }
}
