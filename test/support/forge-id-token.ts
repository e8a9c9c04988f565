// Turns a genuine ID token from the test OP into one attack variant, keeping every other claim
// (nonce, aud, iss, …) intact so exactly one check of the relying party has to catch it.
import { base64url, decodeJwt, decodeProtectedHeader, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import type { CryptoKey, JWTPayload } from 'jose';

export type Forgery =
  | 'expired'
  | 'wrong_audience'
  | 'wrong_issuer'
  /** `tid` names another tenant than the (untouched) `iss`. */
  | { kind: 'tid'; tid: string }
  | 'alg_none'
  /** HS256 keyed with the OP's public key bytes (the RS/HS or ES/HS confusion attack). */
  | 'hs256_public_key'
  /** Same kid and algorithm, signed by an attacker's key. */
  | 'foreign_key';

export interface SigningKey {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  kid: string;
}

/**
 * `keys` by algorithm: the forgery keeps the genuine token's algorithm (RS256, or ES256 for a
 * client registered for it) and is made with the OP's key for it.
 */
export async function forgeIdToken(genuine: string, forgery: Forgery, keys: Record<string, SigningKey>, origin: string): Promise<string> {
  const claims = decodeJwt(genuine);
  const header = decodeProtectedHeader(genuine);
  const alg = header.alg ?? 'RS256';
  const key = keys[alg];
  if (!key) throw new Error(`no test signing key for ${alg}`);
  const now = Math.floor(Date.now() / 1000);
  const sign = (payload: JWTPayload, signer: CryptoKey = key.privateKey): Promise<string> =>
    new SignJWT(payload).setProtectedHeader({ alg, kid: header.kid ?? key.kid, typ: 'JWT' }).sign(signer);

  if (typeof forgery === 'object') return sign({ ...claims, tid: forgery.tid });
  switch (forgery) {
    case 'expired':
      return sign({ ...claims, iat: now - 7200, exp: now - 3600 });
    case 'wrong_audience':
      return sign({ ...claims, aud: 'some-other-application' });
    case 'wrong_issuer':
      return sign({ ...claims, iss: `${origin}/attacker/v2.0` });
    case 'alg_none': {
      const encode = (value: object): string => base64url.encode(JSON.stringify(value));
      return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.`;
    }
    case 'hs256_public_key': {
      const secret = new TextEncoder().encode(await exportSPKI(key.publicKey));
      return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: header.kid ?? key.kid, typ: 'JWT' }).sign(secret);
    }
    case 'foreign_key': {
      const attacker = await generateKeyPair(alg);
      return sign(claims, attacker.privateKey);
    }
  }
}
