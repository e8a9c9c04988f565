/**
 * SCIM bearer tokens: issue (shown once), list, revoke, and verify on every SCIM request.
 * Only SHA-256 digests are stored (see token-secret.ts). A verified token is remembered (a bounded
 * memo stamped with the commit epoch, src/shared/bounded-memo.ts) only until the next commit to the
 * database by anyone (src/store/commit-watch.ts), so a revocation made by another process (the
 * CLI) still applies to the very next request, and a steady stream of SCIM reads costs no token
 * query at all.
 */
import { randomBytes as nodeRandomBytes, randomUUID } from 'node:crypto';
import { and, asc, eq, isNull, or } from 'drizzle-orm';
import { createBoundedMemo } from '../shared/bounded-memo.js';
import type { Store } from '../store/connection.js';
import { scimTokens } from '../store/schema.js';
import { TokenError } from './token-errors.js';
import {
  MAX_PRESENTED_TOKEN_LENGTH,
  TOKEN_RANDOM_BYTES,
  assertBootstrapToken,
  assertTokenName,
  digestsEqual,
  formatToken,
  hashToken,
} from './token-secret.js';

/** A token as operators see it: never the secret, never its hash. Times are ISO 8601 strings. */
export interface TokenRecord {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface BootstrapResult {
  record: TokenRecord;
  /** `unchanged` keeps a revoked token revoked: revocation is an operator decision a restart must not undo. */
  outcome: 'created' | 'unchanged' | 'rotated';
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
}

/** Writing last_used_at on every request would turn each SCIM read into a write; a minute is precise enough. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** Only valid tokens are remembered, and deployments hold a handful; the bound is against surprises. */
const MAX_REMEMBERED_TOKENS = 1_000;

interface TokenRow {
  id: string;
  name: string;
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

const recordColumns = {
  id: scimTokens.id,
  name: scimTokens.name,
  createdAt: scimTokens.createdAt,
  lastUsedAt: scimTokens.lastUsedAt,
  revokedAt: scimTokens.revokedAt,
};

export function createTokenService(deps: TokenServiceDeps): TokenService {
  const { db, sqlite, commits, writes } = deps;
  /** Valid tokens by digest, with when their last use is next due; stale once anyone commits. */
  const remembered = createBoundedMemo<{ record: TokenRecord; touchDueMs: number }>({ maxEntries: MAX_REMEMBERED_TOKENS, stamp: () => commits.epoch() });
  /** This process's own token writes; a private in-memory database has no commit watch to notice them. */
  const forget = <T>(result: T): T => {
    remembered.clear();
    return result;
  };
  const now = deps.now ?? (() => new Date());
  const randomBytes = deps.randomBytes ?? nodeRandomBytes;

  // Hot path: prepared once, an equality lookup on the unique token_hash index.
  const selectByHash = sqlite.prepare<[string], TokenRow>(
    'SELECT id, name, token_hash, created_at, last_used_at, revoked_at FROM scim_tokens WHERE token_hash = ?',
  );
  const touch = sqlite.prepare<[string, string]>(
    'UPDATE scim_tokens SET last_used_at = ? WHERE id = ? AND revoked_at IS NULL',
  );

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
    return formatToken(random);
  }

  return {
    create(name) {
      assertTokenName(name);
      return forget(writes.write(() => {
        const existing = db.select().from(scimTokens).where(eq(scimTokens.name, name)).get();
        if (existing && existing.revokedAt === null) {
          throw new TokenError('token-name-taken', `A token named "${name}" already exists; revoke it first or pick another name`);
        }
        if (existing) {
          // name is UNIQUE over all rows; keep the revoked row for the record under a name no
          // valid name can collide with ("~" is not allowed in names).
          db.update(scimTokens)
            .set({ name: `${name}~revoked~${existing.id}` })
            .where(eq(scimTokens.id, existing.id))
            .run();
        }
        const token = issueSecret();
        const record: TokenRecord = {
          id: randomUUID(),
          name,
          createdAt: now().toISOString(),
          lastUsedAt: null,
          revokedAt: null,
        };
        db.insert(scimTokens)
          .values({ ...record, tokenHash: hashToken(token) })
          .run();
        return { token, record };
      }));
    },

    list() {
      return db.select(recordColumns).from(scimTokens).orderBy(asc(scimTokens.createdAt), asc(scimTokens.name)).all();
    },

    revoke(nameOrId) {
      const result = writes.write(() =>
        db
          .update(scimTokens)
          .set({ revokedAt: now().toISOString() })
          .where(and(isNull(scimTokens.revokedAt), or(eq(scimTokens.id, nameOrId), eq(scimTokens.name, nameOrId))))
          .run(),
      );
      return forget(result.changes > 0);
    },

    verify(presented) {
      if (presented.length === 0 || presented.length > MAX_PRESENTED_TOKEN_LENGTH) return undefined;
      const digest = hashToken(presented);
      // The epoch is read before the row, so a commit landing in between makes the entry stale, not wrong.
      const epoch = remembered.stamp();
      const known = remembered.get(digest);
      // Past the last-use resolution the row is read again, so the minute's touch is still written.
      if (known && now().getTime() < known.touchDueMs) return known.record;
      const row = selectByHash.get(digest);
      // The indexed lookup already matched the digest; the constant-time check keeps the final
      // decision independent of how the index compares strings.
      if (!row || !digestsEqual(row.token_hash, digest) || row.revoked_at !== null) {
        remembered.delete(digest);
        return undefined;
      }
      const record: TokenRecord = {
        id: row.id,
        name: row.name,
        createdAt: row.created_at,
        lastUsedAt: row.last_used_at,
        revokedAt: null,
      };
      const at = now();
      if (shouldTouch(row.last_used_at, at)) {
        const stamp = at.toISOString();
        // Bookkeeping only: when another process holds the write lock, skip it without waiting
        // rather than turn a valid token into a slow or failed request; the next use tries again.
        if (writes.writeIfFree(() => touch.run(stamp, row.id)) !== undefined) record.lastUsedAt = stamp;
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
      const digest = hashToken(token);
      return forget(writes.write((): BootstrapResult => {
        const current = db.select().from(scimTokens).where(eq(scimTokens.name, name)).get();
        const holder = db.select().from(scimTokens).where(eq(scimTokens.tokenHash, digest)).get();
        if (holder && holder.id !== current?.id) {
          throw new TokenError(
            'token-value-in-use',
            `SCIMGATE_SCIM_TOKEN is already stored as token "${holder.name}"; use a different value`,
          );
        }
        if (current && current.tokenHash === digest) {
          return { record: toRecord(current), outcome: 'unchanged' };
        }
        const record: TokenRecord = {
          id: current?.id ?? randomUUID(),
          name,
          createdAt: now().toISOString(),
          lastUsedAt: null,
          revokedAt: null,
        };
        if (current) {
          // Replacing the digest in place is what makes the previous value stop working.
          db.update(scimTokens)
            .set({ tokenHash: digest, createdAt: record.createdAt, lastUsedAt: null, revokedAt: null })
            .where(eq(scimTokens.id, current.id))
            .run();
          return { record, outcome: 'rotated' };
        }
        db.insert(scimTokens)
          .values({ ...record, tokenHash: digest })
          .run();
        return { record, outcome: 'created' };
      }));
    },
  };
}

function toRecord(row: typeof scimTokens.$inferSelect): TokenRecord {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}
