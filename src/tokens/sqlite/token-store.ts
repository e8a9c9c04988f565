/**
 * Bearer tokens over SQLite (scim_tokens by default; ssf_tokens for Shared Signals receivers):
 * the TokenStore of src/persistence/.
 * Every change is one unit of work (src/store/unit-of-work.ts); a token's last use is bookkeeping
 * that never waits for another process's write lock.
 */
import { and, asc, eq, getTableName, isNull, or } from 'drizzle-orm';
import type { StoredToken, TokenEvents, TokenRecord, TokenStore } from '../../persistence/tokens.js';
import type { Store } from '../../store/index.js';
import { scimTokens, type BearerTokenTable } from '../../store/schema.js';
import { TokenError } from '../token-errors.js';

interface TokenRow {
  id: string;
  name: string;
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/**
 * `table`: which kind of token (default: SCIM tokens). `events` hears of tokens created and revoked
 * inside their write (the hooks' outbox: scim_token.*), so only SCIM tokens' stores are given one.
 */
export function createSqliteTokenStore(store: Pick<Store, 'db' | 'sqlite' | 'writes'>, table: BearerTokenTable = scimTokens, events?: TokenEvents): TokenStore {
  const { db, sqlite, writes } = store;
  // Seen as one table type: both token tables have the same columns (src/store/schema.ts).
  const tokens = table as typeof scimTokens;
  const tableName = getTableName(table);
  const recordColumns = {
    id: tokens.id,
    name: tokens.name,
    createdAt: tokens.createdAt,
    lastUsedAt: tokens.lastUsedAt,
    revokedAt: tokens.revokedAt,
  };
  // Hot path: prepared once, an equality lookup on the unique token_hash index.
  const selectByHash = sqlite.prepare<[string], TokenRow>(
    `SELECT id, name, token_hash, created_at, last_used_at, revoked_at FROM ${tableName} WHERE token_hash = ?`,
  );
  const touch = sqlite.prepare<[string, string]>(`UPDATE ${tableName} SET last_used_at = ? WHERE id = ? AND revoked_at IS NULL`);
  const byName = (name: string) => db.select().from(tokens).where(eq(tokens.name, name)).get();

  return {
    findByDigest(digest) {
      const row = selectByHash.get(digest);
      if (!row) return undefined;
      return { id: row.id, name: row.name, digest: row.token_hash, createdAt: row.created_at, lastUsedAt: row.last_used_at, revokedAt: row.revoked_at };
    },

    list() {
      return db.select(recordColumns).from(tokens).orderBy(asc(tokens.createdAt), asc(tokens.name)).all();
    },

    insert(token) {
      writes.write(() => {
        const existing = byName(token.name);
        if (existing && existing.revokedAt === null) {
          throw new TokenError('token-name-taken', `A token named "${token.name}" already exists; revoke it first or pick another name`);
        }
        if (existing) {
          // name is UNIQUE over all rows; keep the revoked row for the record under a name no
          // valid name can collide with ("~" is not allowed in names).
          db.update(tokens).set({ name: `${token.name}~revoked~${existing.id}` }).where(eq(tokens.id, existing.id)).run();
        }
        const { digest, ...record } = token;
        db.insert(tokens).values({ ...record, tokenHash: digest }).run();
        events?.created(record);
      });
    },

    revoke(nameOrId, at) {
      const revoked = writes.write(() => {
        const rows = db
          .update(tokens)
          .set({ revokedAt: at })
          .where(and(isNull(tokens.revokedAt), or(eq(tokens.id, nameOrId), eq(tokens.name, nameOrId))))
          .returning()
          .all();
        for (const row of rows) events?.revoked(toRecord(row));
        return rows.length;
      });
      return revoked > 0;
    },

    touch(id, at) {
      return writes.writeIfFree(() => touch.run(at, id)) !== undefined;
    },

    ensure(name, digest, at, newId) {
      return writes.write(() => {
        const current = byName(name);
        const holder = db.select().from(tokens).where(eq(tokens.tokenHash, digest)).get();
        if (holder && holder.id !== current?.id) {
          throw new TokenError('token-value-in-use', `SCIMGATE_SCIM_TOKEN is already stored as token "${holder.name}"; use a different value`);
        }
        if (current && current.tokenHash === digest) return { record: toRecord(current), outcome: 'unchanged' as const };
        const record: TokenRecord = { id: current?.id ?? newId, name, createdAt: at, lastUsedAt: null, revokedAt: null };
        if (current) {
          // Replacing the digest in place is what makes the previous value stop working.
          db.update(tokens).set({ tokenHash: digest, createdAt: at, lastUsedAt: null, revokedAt: null }).where(eq(tokens.id, current.id)).run();
          events?.created(record);
          return { record, outcome: 'rotated' as const };
        }
        db.insert(tokens).values({ ...record, tokenHash: digest }).run();
        events?.created(record);
        return { record, outcome: 'created' as const };
      });
    },
  };
}

function toRecord(row: typeof scimTokens.$inferSelect): TokenRecord {
  return { id: row.id, name: row.name, createdAt: row.createdAt, lastUsedAt: row.lastUsedAt, revokedAt: row.revokedAt };
}

export type { StoredToken };
