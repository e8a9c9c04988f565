/**
 * Session cookie secrets: 32 random bytes (256 bits) as base64url, and the SHA-256 we store
 * instead. A plain hash (no salt, no KDF) is right here: the secret is full-entropy random, so
 * nothing is gained by slowing the hash, and the hot path hashes on every request.
 */
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { sha256 } from '../../crypto/sha256.js';

export const SECRET_BYTES = 32;

/** base64url of 32 bytes is exactly 43 characters from the URL-safe alphabet, no padding. */
const SECRET_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export type RandomBytes = (n: number) => Buffer;

export function newSecret(randomBytes: RandomBytes = nodeRandomBytes): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}

/** True when the string could be one of our secrets; garbage cookies never reach the database. */
export function isSecretShaped(secret: string): boolean {
  return SECRET_SHAPE.test(secret);
}

export function hashSecret(secret: string): string {
  return sha256(secret, 'hex');
}
