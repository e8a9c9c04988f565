/**
 * Server-side sessions over SQLite. `lookup` is on every forward-auth decision, so it is one
 * prepared statement by the unique secret-hash index, and it writes at most once a minute per
 * session to slide the idle expiry (a write per request would serialise every reader behind
 * SQLite's single writer) — and skips that write when another process holds the write lock.
 * Every write is one unit of work (src/store/unit-of-work.ts).
 */
import { randomBytes as nodeRandomBytes, randomUUID } from 'node:crypto';
import type { Store } from '../../../store/index.js';
import { SESSION_REVOKE_REASON } from '../revoke-reasons.js';
import { hashSecret, isSecretShaped, newSecret, type RandomBytes } from '../secret.js';
import type { AuditLog } from '../../../persistence/audit.js';
import type { NewSession, RevokedSession, SessionEvents, SessionQuery, SessionRecord, SessionStore, StoredSession } from '../../../persistence/sessions.js';

/** Idle expiry is refreshed at most this often per session. */
export const TOUCH_INTERVAL_MS = 60_000;

export interface SessionStoreDeps {
  store: Store;
  now?: () => Date;
  randomBytes?: RandomBytes;
  /** Called after any revocation or deletion that ended a live session (sign-out, deprovisioning),
   *  so a decision cache keyed by session can drop its entries (see access/decision-generation.ts).
   *  May run inside the directory's transaction: keep it synchronous and cheap. */
  onRevoke?: () => void;
  /**
   * Told of every session a write ends (sign-out, deprovisioning, an operator's revoke), inside
   * that write's transaction, with its stored reason. Wired to directory.recordSessionRevoked: the
   * change log moves, so another server on the same database drops its remembered decisions at
   * its next request, not within 5 s; and whatever must commit with a revocation (the outbox's
   * session.revoked) commits or rolls back with it.
   */
  recordRevocation?: (revoked: RevokedSession) => void;
  /** Records every session a write ends in the audit log (`session.revoked`, with its reason), inside that write. */
  audit?: AuditLog;
  /** Told of sessions created and revoked inside their write (the hooks' outbox, src/hooks/). */
  events?: SessionEvents;
}

interface SessionRow {
  id: string;
  userId: string;
  tenantId: string | null;
  issuer: string;
  subject: string;
  createdAt: number;
  expiresAt: number;
  lastSeenAt: number;
  idleExpiresAt: number;
  idleTtlSeconds: number;
  revokedAt: number | null;
  claims: string | null;
}

interface StoredRow extends SessionRow {
  revokeReason: string | null;
}

/** What a revoking UPDATE returns for each session it ended. */
const REVOKED = 'RETURNING id, user_id AS userId, issuer, subject';
type RevokedRow = Omit<RevokedSession, 'reason'>;

const COLUMNS = `id, user_id AS userId, tenant_id AS tenantId, issuer, subject, created_at AS createdAt,
  expires_at AS expiresAt, last_seen_at AS lastSeenAt, idle_expires_at AS idleExpiresAt,
  idle_ttl_seconds AS idleTtlSeconds, revoked_at AS revokedAt, claims`;

const NO_CLAIMS: Readonly<Record<string, unknown>> = Object.freeze({});

/** Stored claims are ours (written by create); anything unreadable counts as none: a missing fact. */
function parseClaims(text: string | null): Readonly<Record<string, unknown>> {
  if (text === null) return NO_CLAIMS;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : NO_CLAIMS;
  } catch {
    return NO_CLAIMS;
  }
}

function toRecord(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    userId: row.userId,
    tenantId: row.tenantId,
    issuer: row.issuer,
    subject: row.subject,
    createdAt: new Date(row.createdAt),
    expiresAt: new Date(row.expiresAt),
    lastSeenAt: new Date(row.lastSeenAt),
    idleExpiresAt: new Date(row.idleExpiresAt),
    claims: parseClaims(row.claims),
  };
}

function positiveSeconds(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number of seconds`);
  return value;
}

export function createSessionStore(deps: SessionStoreDeps): SessionStore {
  const { sqlite, writes } = deps.store;
  const now = deps.now ?? (() => new Date());
  const randomBytes = deps.randomBytes ?? nodeRandomBytes;
  const onRevoke = deps.onRevoke ?? (() => undefined);

  const insert = sqlite.prepare(
    `INSERT INTO sessions (id, secret_hash, user_id, tenant_id, issuer, subject, created_at, expires_at,
       last_seen_at, idle_expires_at, idle_ttl_seconds, claims)
     VALUES (@id, @secretHash, @userId, @tenantId, @issuer, @subject, @createdAt, @expiresAt,
       @createdAt, @idleExpiresAt, @idleTtlSeconds, @claims)`,
  );
  const byHash = sqlite.prepare<[string], SessionRow>(`SELECT ${COLUMNS} FROM sessions WHERE secret_hash = ?`);
  const touch = sqlite.prepare<[number, number, string]>(
    'UPDATE sessions SET last_seen_at = ?, idle_expires_at = ? WHERE id = ? AND revoked_at IS NULL',
  );
  const revokeByHash = sqlite.prepare<[number, string, string], RevokedRow>(
    `UPDATE sessions SET revoked_at = ?, revoke_reason = ? WHERE secret_hash = ? AND revoked_at IS NULL ${REVOKED}`,
  );
  const revokeByUser = sqlite.prepare<[number, string, string], RevokedRow>(
    `UPDATE sessions SET revoked_at = ?, revoke_reason = ? WHERE user_id = ? AND revoked_at IS NULL ${REVOKED}`,
  );
  const recordRevocation = deps.recordRevocation ?? (() => undefined);
  const { audit } = deps;
  const events = deps.events;
  const record = (rows: readonly RevokedRow[], reason: string): number => {
    for (const row of rows) {
      recordRevocation({ ...row, reason });
      audit?.record({ type: 'session.revoked', userId: row.userId, data: { reason, sessionId: row.id } });
      events?.revoked({ ...row, reason });
    }
    return rows.length;
  };
  const listing = createListing(sqlite);
  const deleteByUser = sqlite.prepare<[string]>('DELETE FROM sessions WHERE user_id = ?');
  // idle_expires_at <= expires_at always, so this one range over its index covers both expiries;
  // revoked rows stay readable (who, when, why) until their idle expiry passes.
  const purge = sqlite.prepare<[number]>('DELETE FROM sessions WHERE idle_expires_at <= ?');
  const endIdle = sqlite.prepare<[number, string, number], RevokedRow>(
    `UPDATE sessions SET revoked_at = ?, revoke_reason = ?
      WHERE idle_expires_at <= ? AND idle_expires_at < expires_at AND revoked_at IS NULL ${REVOKED}`,
  );

  return {
    create(input: NewSession) {
      const absolute = positiveSeconds('absoluteTtlSeconds', input.absoluteTtlSeconds) * 1000;
      const idleTtlSeconds = positiveSeconds('idleTtlSeconds', input.idleTtlSeconds);
      const createdAt = now().getTime();
      const expiresAt = createdAt + absolute;
      const secret = newSecret(randomBytes);
      const row: SessionRow = {
        id: randomUUID(),
        userId: input.userId,
        tenantId: input.tenantId,
        issuer: input.issuer,
        subject: input.subject,
        createdAt,
        expiresAt,
        lastSeenAt: createdAt,
        idleExpiresAt: Math.min(createdAt + idleTtlSeconds * 1000, expiresAt),
        idleTtlSeconds,
        revokedAt: null,
        claims: input.claims && Object.keys(input.claims).length > 0 ? JSON.stringify(input.claims) : null,
      };
      const session = toRecord(row);
      writes.write(() => {
        insert.run({ ...row, secretHash: hashSecret(secret) });
        events?.created(session);
      });
      return { secret, session };
    },

    lookup(secret) {
      if (!isSecretShaped(secret)) return undefined;
      const row = byHash.get(hashSecret(secret));
      if (!row || row.revokedAt !== null) return undefined;
      const t = now().getTime();
      if (t >= row.expiresAt || t >= row.idleExpiresAt) return undefined;
      if (t - row.lastSeenAt >= TOUCH_INTERVAL_MS) {
        row.lastSeenAt = t;
        row.idleExpiresAt = Math.min(t + row.idleTtlSeconds * 1000, row.expiresAt);
        // Bookkeeping on the forward-auth path: when another process holds the write lock, skip
        // it without waiting (the session is valid either way); the next lookup tries again.
        writes.writeIfFree(() => touch.run(row.lastSeenAt, row.idleExpiresAt, row.id));
      }
      return toRecord(row);
    },

    revoke(secret, reason) {
      if (!isSecretShaped(secret)) return false;
      // One unit of work with its change-log entry; in a batch, its answer waits for the group's commit.
      const changed = writes.write(() => {
        const row = revokeByHash.get(now().getTime(), reason, hashSecret(secret));
        return record(row ? [row] : [], reason) > 0;
      });
      if (changed) onRevoke();
      return changed;
    },

    revokeAllForUser(userId, reason) {
      const n = writes.write(() => record(revokeByUser.all(now().getTime(), reason, userId), reason));
      if (n > 0) onRevoke();
      return n;
    },

    list(query) {
      return listing(query, now().getTime());
    },

    deleteAllForUser(userId) {
      const n = writes.write(() => deleteByUser.run(userId).changes);
      if (n > 0) onRevoke();
      return n;
    },

    endIdle() {
      const at = now().getTime();
      const reason = SESSION_REVOKE_REASON.idleExpired;
      const n = writes.write(() => record(endIdle.all(at, reason, at), reason));
      if (n > 0) onRevoke();
      return n;
    },

    purgeExpired() {
      return writes.write(() => purge.run(now().getTime()).changes);
    },
  };
}

/** Four prepared statements (by user or all, live or every stored row), newest first. */
function createListing(sqlite: Store['sqlite']): (query: SessionQuery, at: number) => StoredSession[] {
  const LIVE = 'revoked_at IS NULL AND expires_at > @at AND idle_expires_at > @at';
  const select = (where: string) =>
    sqlite.prepare<[{ at: number; userId: string | undefined; limit: number }], StoredRow>(
      `SELECT ${COLUMNS}, revoke_reason AS revokeReason FROM sessions WHERE ${where} ORDER BY created_at DESC, id LIMIT @limit`,
    );
  const statements = {
    all: select('1'),
    live: select(LIVE),
    userAll: select('user_id = @userId'),
    userLive: select(`user_id = @userId AND ${LIVE}`),
  };
  return (query, at) => {
    const limit = Math.max(0, Math.floor(query.limit));
    // better-sqlite3 ignores named parameters a statement does not use.
    const params = { at, limit, userId: query.userId };
    const statement = query.userId === undefined ? (query.ended ? statements.all : statements.live) : query.ended ? statements.userAll : statements.userLive;
    const rows = statement.all(params);
    return rows.map((row) => ({
      ...toRecord(row),
      revokedAt: row.revokedAt === null ? null : new Date(row.revokedAt),
      revokeReason: row.revokeReason,
    }));
  };
}
