/**
 * SCIM bearer tokens' persistence, as any implementation must provide it. Only a token's SHA-256
 * digest is stored, never the secret. Names are unique among live tokens; a revoked token keeps
 * its row (who, when) under a name no live token can take. The SQLite implementation is
 * src/tokens/sqlite/; the contract is test/contract/token-contract.ts. Rules about names and
 * secrets (their format, the bootstrap token's length) are the token service's (src/tokens/).
 */

/** A token as operators see it: never the secret, never its hash. Times are ISO 8601 strings. */
export interface TokenRecord {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface StoredToken extends TokenRecord {
  digest: string;
}

/**
 * Told of tokens created (a bootstrap token's rotation included: its new value) and revoked, inside
 * the write that does it (the hooks' outbox, src/hooks/); throwing undoes the write.
 */
export interface TokenEvents {
  created(token: TokenRecord): void;
  revoked(token: TokenRecord): void;
}

/** `unchanged` keeps a revoked token revoked: revocation is an operator decision a restart must not undo. */
export type BootstrapOutcome = 'created' | 'unchanged' | 'rotated';

export interface TokenStore {
  /** The token whose secret has this digest, live or revoked. */
  findByDigest(digest: string): StoredToken | undefined;
  /** Every token, oldest first (then by name). */
  list(): TokenRecord[];
  /**
   * Stores a new live token, in one write: a revoked token holding the name is renamed out of
   * the way; a live one refuses (TokenError `token-name-taken`) and nothing changes.
   */
  insert(token: StoredToken): void;
  /** Revokes the live token with this id or name at `at`; false when there is none. */
  revoke(nameOrId: string, at: string): boolean;
  /** Notes a use at `at` of a live token. Bookkeeping: skipped (false) when the store is busy; never throws. */
  touch(id: string, at: string): boolean;
  /**
   * Makes the token named `name` the one with `digest`, in one write: created when there is none,
   * rotated (same id, new digest, live again) when it holds another, unchanged when it holds this
   * one (revoked or not). TokenError `token-value-in-use` when another name holds the digest.
   */
  ensure(name: string, digest: string, at: string, newId: string): { record: TokenRecord; outcome: BootstrapOutcome };
}
