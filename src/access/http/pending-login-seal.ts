/**
 * Pending logins (state, nonce, PKCE verifier, return target) travel between /oauth2/start and
 * /oauth2/callback in one cookie, sealed with AES-256-GCM under a server key: the browser can
 * carry them but can neither read a verifier nor forge a pending login of its own. The cookie
 * holds the few most recent logins keyed by state, so a second tab (or a background request that
 * hits a 401) starting its own login does not break the first one's callback. Opening never
 * throws; anything that does not decrypt to well-formed pending logins is simply absent.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { PendingLogin } from '../oidc/index.js';

const VERSION = 'v2';
/** Logins one browser may have under way at once; older ones drop out. */
export const MAX_PENDING_LOGINS = 3;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Binds ciphertexts to this purpose, so a key shared with another use cannot be replayed here. */
const AAD = Buffer.from('scimgate pending-login v2');
/** A sealed pending login is a few hundred bytes; anything much larger is not ours. */
const MAX_SEALED_LENGTH = 4096;

export interface PendingLoginSeal {
  /** Seals the newest MAX_PENDING_LOGINS of `pendings` (oldest first). */
  seal(pendings: readonly PendingLogin[]): string;
  open(sealed: string | undefined): PendingLogin[];
}

export function createPendingLoginSeal(key: Uint8Array): PendingLoginSeal {
  // Validated when built, not per request.
  if (key.byteLength !== 32) throw new Error('pending-login key must be 32 bytes (AES-256)');
  const secret = Buffer.from(key);
  return {
    seal(pendings) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', secret, iv);
      cipher.setAAD(AAD);
      const body = Buffer.concat([cipher.update(JSON.stringify(pendings.slice(-MAX_PENDING_LOGINS)), 'utf8'), cipher.final()]);
      return `${VERSION}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
    },
    open(sealed) {
      if (!sealed || sealed.length > MAX_SEALED_LENGTH || !sealed.startsWith(`${VERSION}.`)) return [];
      const raw = Buffer.from(sealed.slice(VERSION.length + 1), 'base64url');
      if (raw.length <= IV_BYTES + TAG_BYTES) return [];
      try {
        const decipher = createDecipheriv('aes-256-gcm', secret, raw.subarray(0, IV_BYTES));
        decipher.setAAD(AAD);
        decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
        const text = Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8');
        const parsed: unknown = JSON.parse(text);
        if (!Array.isArray(parsed)) return [];
        return parsed.map(asPendingLogin).filter((pending): pending is PendingLogin => pending !== undefined);
      } catch {
        return []; // wrong key, tampered, truncated: no login is pending
      }
    },
  };
}

function asPendingLogin(value: unknown): PendingLogin | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const strings = ['state', 'nonce', 'codeVerifier', 'returnTo'] as const;
  if (!strings.every((k) => typeof v[k] === 'string') || typeof v.createdAt !== 'number') return undefined;
  return { state: v.state as string, nonce: v.nonce as string, codeVerifier: v.codeVerifier as string, returnTo: v.returnTo as string, createdAt: v.createdAt };
}
