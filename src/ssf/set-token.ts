/**
 * Security Event Tokens (RFC 8417) as SSF 1.0 §4.1 profiles them: a JWS with header
 * `typ: secevent+jwt` and the signing key's `kid`; claims iss, aud (the stream's), jti, iat, txn,
 * the subject in the top-level `sub_id`, and exactly one event in `events`. Never `exp` (SSF 1.0
 * §4.1.6) and never `sub` (§4.1.2): the token must not pass for an ID token or access token.
 */
import { SignJWT } from 'jose';
import type { SigningKey } from './sqlite/signing-keys.js';
import { subjectJson, type Subject } from './subjects.js';

export const SET_TYP = 'secevent+jwt';

export interface SetContent {
  issuer: string;
  audience: string;
  jti: string;
  /** RFC 8417 §2.2 / SSF 1.0 §4.1.8: the same for every SET one underlying event causes. */
  txn: string;
  subject: Subject;
  eventType: string;
  eventBody: Record<string, unknown>;
}

export async function signSet(content: SetContent, key: SigningKey, issuedAt: Date): Promise<string> {
  const payload = {
    iss: content.issuer,
    aud: content.audience,
    jti: content.jti,
    iat: Math.floor(issuedAt.getTime() / 1000),
    txn: content.txn,
    sub_id: subjectJson(content.subject),
    events: { [content.eventType]: content.eventBody },
  };
  return new SignJWT(payload).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: SET_TYP }).sign(key.key);
}
