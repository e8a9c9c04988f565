/**
 * SHA-256 of a short string, as hex or base64url. Token, session and cache-key hashing run on
 * every authenticated request; node's one-shot `crypto.hash` (20.12+) skips the Hash object a
 * `createHash()` chain allocates (and the GC then finalises), at about half the cost.
 */
import * as crypto from 'node:crypto';

type Encoding = 'hex' | 'base64url';
type OneShot = (algorithm: string, data: string, encoding: Encoding) => string;

// Not in the @types/node we build against; present at run time on every Node 20 we support.
const oneShot = (crypto as unknown as { hash?: OneShot }).hash;

export function sha256(data: string, encoding: Encoding): string {
  return oneShot ? oneShot('sha256', data, encoding) : crypto.createHash('sha256').update(data, 'utf8').digest(encoding);
}
