/**
 * SCIM bearer tokens: issue (shown once), list, revoke, and verify on every SCIM request.
 * Only SHA-256 digests are stored (see token-secret.ts), by a TokenStore (src/persistence/tokens.ts;
 * SQLite: src/tokens/sqlite/token-store.ts). A verified token is remembered (a bounded memo stamped
 * with the commit epoch, src/shared/bounded-memo.ts) only until the next commit to the database by
 * anyone (src/store/commit-watch.ts), so a revocation made by another process (the CLI) still
 * applies to the very next request, and a steady stream of SCIM reads costs no token query at all.
 */
import { randomBytes as nodeRandomBytes, randomUUID } from 'node:crypto';
import type { AuditEntry, AuditLog } from '../persistence/audit.js';
import type { BootstrapOutcome, TokenEvents, TokenRecord, TokenStore } from '../persistence/tokens.js';
import { createBoundedMemo } from '../shared/bounded-memo.js';
import type { Store } from '../store/connection.js';
import { createSqliteTokenStore } from './sqlite/token-store.js';
import {
  MAX_PRESENTED_TOKEN_LENGTH,
  TOKEN_RANDOM_BYTES,
  assertBootstrapToken,
  assertTokenName,
  digestsEqual,
  formatToken,
  hashToken,
} from './token-secret.js';

export type { TokenRecord };

export interface BootstrapResult {
  record: TokenRecord;
  outcome: BootstrapOutcome;
}

export interface TokenService {
  create(name: string): { token: string; record: TokenRecord };
  list(): TokenRecord[];
  revoke(nameOrId: string): boolean;
  verify(presented: string): TokenRecord | undefined;
  ensureBootstrapToken(token: string, name?: string): BootstrapResult;
}

export interface TokenServiceDeps extends Pick<Store, 'db' | 'sqlite' | 'commits' | 'writes'> {
  now?: () => Date;
  randomBytes?: (size: number) => Buffer;
  /** Where tokens are kept (default: the SQLite store of SCIM tokens over `db`/`sqlite`). */
  tokens?: TokenStore;
  /** Records token creation, rotation and revocation in the audit log, in the change's own write. */
  audit?: AuditLog;
  /** Who the audit rows name as acting (default 'operator': the CLI). */
  actor?: string;
  /** What issued tokens start with (default TOKEN_PREFIX), so a leaked one says what kind it is. */
  prefix?: string;
  /** Told of tokens created and revoked inside their write (the hooks' outbox); for the default store. */
  events?: TokenEvents;
}

/** Writing last_used_at on every request would turn each SCIM read into a write; a minute is precise enough. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** Only valid tokens are remembered, and deployments hold a handful; the bound is against surprises. */
const MAX_REMEMBERED_TOKENS = 1_000;

export function createTokenService(deps: TokenServiceDeps): TokenService {
  const { commits } = deps;
  const stored = deps.tokens ?? createSqliteTokenStore(deps, undefined, deps.events);
  /** Valid tokens by digest, with when their last use is next due; stale once anyone commits. */
  const remembered = createBoundedMemo<{ record: TokenRecord; touchDueMs: number }>({ maxEntries: MAX_REMEMBERED_TOKENS, stamp: () => commits.epoch() });
  /** This process's own token writes; a private in-memory database has no commit watch to notice them. */
  const forget = <T>(result: T): T => {
    remembered.clear();
    return result;
  };
  const now = deps.now ?? (() => new Date());
  const randomBytes = deps.randomBytes ?? nodeRandomBytes;
  const { audit } = deps;
  const actor = deps.actor ?? 'operator';
  /** The change and its audit row in one write (the store's own write becomes a savepoint of it). */
  const audited = <T>(change: () => T, entry: (result: T) => AuditEntry | undefined): T =>
    audit === undefined
      ? change()
      : deps.writes.write(() => {
          const result = change();
          const e = entry(result);
          if (e) audit.record(e);
          return result;
        });

  /**
   * The row we just read already says when the token was last marked used, so it serves as the
   * throttle memo: unlike an in-process map it is shared by every process and replica, survives
   * restarts and never grows.
   */
  function shouldTouch(lastUsedAt: string | null, at: Date): boolean {
    if (lastUsedAt === null) return true;
    const last = Date.parse(lastUsedAt);
    return Number.isNaN(last) || at.getTime() - last >= LAST_USED_RESOLUTION_MS;
  }

  function issueSecret(): string {
    const random = randomBytes(TOKEN_RANDOM_BYTES);
    if (random.length !== TOKEN_RANDOM_BYTES) throw new Error(`randomBytes returned ${random.length} bytes`);
    return formatToken(random, deps.prefix);
  }

  return {
    create(name) {
      assertTokenName(name);
      const token = issueSecret();
      const record: TokenRecord = { id: randomUUID(), name, createdAt: now().toISOString(), lastUsedAt: null, revokedAt: null };
      try {
        audited(
          () => stored.insert({ ...record, digest: hashToken(token) }),
          () => ({ type: 'scim_token.created', actor, data: { tokenId: record.id, name } }),
        );
      } finally {
        forget(undefined);
      }
      return { token, record };
    },

    list() {
      return stored.list();
    },

    revoke(nameOrId) {
      const at = now().toISOString();
      // The token's id and name as they were before the revocation, for the row.
      const target = audit === undefined ? undefined : () => stored.list().find((t) => t.revokedAt === null && (t.id === nameOrId || t.name === nameOrId));
      return forget(
        audited(
          () => {
            const which = target?.();
            return { revoked: stored.revoke(nameOrId, at), which };
          },
          ({ revoked, which }) => (revoked && which ? { type: 'scim_token.revoked', actor, data: { tokenId: which.id, name: which.name } } : undefined),
        ).revoked,
      );
    },

    verify(presented) {
      if (presented.length === 0 || presented.length > MAX_PRESENTED_TOKEN_LENGTH) return undefined;
      const digest = hashToken(presented);
      // The epoch is read before the row, so a commit landing in between makes the entry stale, not wrong.
      const epoch = remembered.stamp();
      const known = remembered.get(digest);
      // Past the last-use resolution the row is read again, so the minute's touch is still written.
      if (known && now().getTime() < known.touchDueMs) return known.record;
      const row = stored.findByDigest(digest);
      // The indexed lookup already matched the digest; the constant-time check keeps the final
      // decision independent of how the index compares strings.
      if (!row || !digestsEqual(row.digest, digest) || row.revokedAt !== null) {
        remembered.delete(digest);
        return undefined;
      }
      const record: TokenRecord = { id: row.id, name: row.name, createdAt: row.createdAt, lastUsedAt: row.lastUsedAt, revokedAt: null };
      const at = now();
      if (shouldTouch(row.lastUsedAt, at)) {
        const stamp = at.toISOString();
        // Bookkeeping only: when another process holds the write lock it is skipped without
        // waiting, rather than turn a valid token into a slow or failed request; the next use tries again.
        if (stored.touch(row.id, stamp)) record.lastUsedAt = stamp;
      }
      // NaN (an unreadable stored time) is never in the future, so such a token is read every time.
      const touchDueMs = record.lastUsedAt === null ? 0 : Date.parse(record.lastUsedAt) + LAST_USED_RESOLUTION_MS;
      // Frozen: one record is handed to every request that presents this token.
      Object.freeze(record);
      remembered.set(digest, { record, touchDueMs }, epoch);
      return record;
    },

    ensureBootstrapToken(token, name = 'bootstrap') {
      assertBootstrapToken(token);
      assertTokenName(name);
      try {
        return audited(
          () => stored.ensure(name, hashToken(token), now().toISOString(), randomUUID()),
          ({ record, outcome }) =>
            outcome === 'unchanged' ? undefined : { type: outcome === 'created' ? 'scim_token.created' : 'scim_token.rotated', actor: 'configuration', data: { tokenId: record.id, name } },
        );
      } finally {
        forget(undefined);
      }
    },
  };
}
