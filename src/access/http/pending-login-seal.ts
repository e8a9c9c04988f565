/**
 * A pending login (state, nonce, PKCE verifier, return target) travels between /oauth2/start and
 * /oauth2/callback in a cookie of its own (src/access/http/cookies.ts), sealed with
 * AES-256-GCM under a server key: the browser can carry it but can neither read the verifier nor
 * forge a pending login of its own. Opening never throws; anything that does not decrypt to a
 * well-formed pending login is simply absent.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { PendingLogin } from '../oidc/index.js';

const VERSION = 'v3';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Binds ciphertexts to this purpose, so a key shared with another use cannot be replayed here. */
const AAD = Buffer.from('scimgate pending-login v3');
/** A sealed pending login is a few hundred bytes; anything much larger is not ours. */
const MAX_SEALED_LENGTH = 4096;

export interface PendingLoginSeal {
  seal(pending: PendingLogin): string;
  open(sealed: string | undefined): PendingLogin | undefined;
}

export function createPendingLoginSeal(key: Uint8Array): PendingLoginSeal {
  // Validated when built, not per request.
  if (key.byteLength !== 32) throw new Error('pending-login key must be 32 bytes (AES-256)');
  const secret = Buffer.from(key);
  return {
    seal(pending) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', secret, iv);
      cipher.setAAD(AAD);
      const body = Buffer.concat([cipher.update(JSON.stringify(pending), 'utf8'), cipher.final()]);
      return `${VERSION}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
    },
    open(sealed) {
      if (!sealed || sealed.length > MAX_SEALED_LENGTH || !sealed.startsWith(`${VERSION}.`)) return undefined;
      const raw = Buffer.from(sealed.slice(VERSION.length + 1), 'base64url');
      if (raw.length <= IV_BYTES + TAG_BYTES) return undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', secret, raw.subarray(0, IV_BYTES));
        decipher.setAAD(AAD);
        decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
        const text = Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8');
        return asPendingLogin(JSON.parse(text));
      } catch {
        return undefined; // wrong key, tampered, truncated: no login is pending
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
