/**
 * Who is calling the SSF management and poll endpoints: a receiver presenting its own bearer token
 * (`scimgate ssf token create NAME`), verified by the token service of src/tokens/ over the
 * ssf_tokens table — digests only, like SCIM tokens, but a table of their own, so neither a SCIM
 * nor an admin token is ever an SSF token. The receiver is the token's name: its streams, its
 * audience. Every failure is a 401 (RFC 6750 §3.1); which kind of wrong token it was is not said.
 */
import type { TokenService } from '../tokens/index.js';
import { SsfError } from './errors.js';

const BEARER = /^bearer(?: +(.*))?$/i;

export function authenticateReceiver(tokens: Pick<TokenService, 'verify'>, authorization: string | undefined): string {
  const header = authorization?.trim();
  if (!header) throw new SsfError('authentication_required', 'send the SSF receiver token as "Authorization: Bearer <token>"');
  const match = BEARER.exec(header);
  if (!match) throw new SsfError('authentication_required', 'the Authorization scheme must be Bearer');
  const presented = match[1] ?? '';
  const record = presented === '' || /\s/.test(presented) ? undefined : tokens.verify(presented);
  if (!record) throw new SsfError('authentication_failed', 'the bearer token is not a valid SSF receiver token, or it was revoked');
  return record.name;
}
