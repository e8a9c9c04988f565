/**
 * The keys SETs are signed with, kept in the database (ssf_keys) so every scimgate process on it
 * signs with the same key and publishes the same JWKS, and rotated with overlap:
 *
 * - the newest key not retired signs; the first one is made when first needed;
 * - `rotateIfDue` makes a new key once the current one is older than `rotateAfterSeconds`, and
 *   retires the old one; `rotate` does it now (the operator's `scimgate ssf keys rotate`);
 * - a retired key stays in the JWKS for `overlapSeconds` after it was retired — long enough for a
 *   push SET signed with it to be delivered and verified — and for as long as a SET signed with it
 *   waits in a poll queue (signed when queued, RFC 8936 receivers may fetch it much later).
 *
 * RS256: the one algorithm every SSF receiver we know verifies (CAEP interoperability profile).
 * Rotation races between processes are settled inside one write: the loser's new key is dropped.
 */
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { Store } from '../../store/index.js';

export const SET_ALG = 'RS256';

export interface SigningKey {
  kid: string;
  alg: typeof SET_ALG;
  key: CryptoKey;
}

export interface SigningKeys {
  /** The key that signs now (made on first use). */
  current(): Promise<SigningKey>;
  /** The JWKS document: public keys only. */
  jwks(): { keys: JWK[] };
  /** Retires the current key and makes a new one; returns the new kid. */
  rotate(): Promise<string>;
  /** Rotates when the current key is older than the rotation period; true when it did. */
  rotateIfDue(): Promise<boolean>;
}

export interface SigningKeyOptions {
  rotateAfterSeconds: number;
  overlapSeconds: number;
  now?: () => Date;
}

interface KeyRow {
  kid: string;
  private_jwk: string;
  created_at: string;
}

export function createSigningKeys(store: Pick<Store, 'sqlite' | 'writes'>, options: SigningKeyOptions): SigningKeys {
  const { sqlite, writes } = store;
  const now = options.now ?? (() => new Date());
  const selectCurrent = sqlite.prepare<[], KeyRow>('SELECT kid, private_jwk, created_at FROM ssf_keys WHERE retired_at IS NULL ORDER BY created_at DESC, kid LIMIT 1');
  const selectPublished = sqlite.prepare<[string], { public_jwk: string }>(
    `SELECT public_jwk FROM ssf_keys
      WHERE retired_at IS NULL OR retired_at > ? OR kid IN (SELECT DISTINCT kid FROM ssf_poll_queue WHERE acked_at IS NULL)
      ORDER BY created_at DESC, kid`,
  );
  const insert = sqlite.prepare<[string, string, string, string, string]>(
    'INSERT INTO ssf_keys (kid, alg, private_jwk, public_jwk, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const retireAllBut = sqlite.prepare<[string, string]>('UPDATE ssf_keys SET retired_at = ? WHERE retired_at IS NULL AND kid <> ?');
  /** Imported private keys by kid: importing costs more than a signature. */
  const imported = new Map<string, Promise<CryptoKey>>();

  async function makeKey(): Promise<{ kid: string; privateJwk: JWK; publicJwk: JWK }> {
    const { privateKey, publicKey } = await generateKeyPair(SET_ALG, { extractable: true, modulusLength: 2048 });
    const kid = randomUUID();
    const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: SET_ALG, use: 'sig' };
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: SET_ALG, use: 'sig' };
    return { kid, privateJwk, publicJwk };
  }

  /**
   * Stores a fresh key as the current one if `stillDue` (read inside the write, under the lock)
   * says so; else the key is dropped and the winner's stays current.
   */
  async function install(stillDue: (current: KeyRow | undefined) => boolean): Promise<boolean> {
    const made = await makeKey();
    return writes.write(() => {
      if (!stillDue(selectCurrent.get())) return false;
      const at = now().toISOString();
      insert.run(made.kid, SET_ALG, JSON.stringify(made.privateJwk), JSON.stringify(made.publicJwk), at);
      retireAllBut.run(at, made.kid);
      return true;
    });
  }

  const due = (row: KeyRow | undefined) => row === undefined || now().getTime() - Date.parse(row.created_at) >= options.rotateAfterSeconds * 1000;

  async function toSigningKey(row: KeyRow): Promise<SigningKey> {
    let key = imported.get(row.kid);
    if (!key) {
      key = importJWK(JSON.parse(row.private_jwk) as JWK, SET_ALG) as Promise<CryptoKey>;
      imported.set(row.kid, key);
    }
    return { kid: row.kid, alg: SET_ALG, key: await key };
  }

  return {
    async current() {
      let row = selectCurrent.get();
      if (!row) {
        await install((current) => current === undefined);
        row = selectCurrent.get();
        if (!row) throw new Error('no SET signing key after creating one');
      }
      return toSigningKey(row);
    },
    jwks() {
      const since = new Date(now().getTime() - options.overlapSeconds * 1000).toISOString();
      return { keys: selectPublished.all(since).map((row) => JSON.parse(row.public_jwk) as JWK) };
    },
    async rotate() {
      const before = selectCurrent.get()?.kid;
      await install((current) => current?.kid === before);
      const after = selectCurrent.get();
      if (!after) throw new Error('no SET signing key after rotating');
      return after.kid;
    },
    async rotateIfDue() {
      if (!due(selectCurrent.get())) return false;
      return install(due);
    },
  };
}
