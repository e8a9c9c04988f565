/**
 * Reading the audit log (the audit_log table) for `scimgate audit` and `scimgate audit verify`:
 * rows in seq order, streamed one at a time from a statement, never loaded whole. Filters are
 * applied in SQL over the seq order; there is no secondary index (see the table in
 * src/store/schema.ts), so a filtered read scans — an operator's query, not a request's.
 */
import type Database from 'better-sqlite3';
import type { AuditRow } from '../../persistence/audit.js';

export interface AuditQuery {
  /** ISO 8601: rows that occurred at or after it. */
  since?: string | undefined;
  userId?: string | undefined;
  /** An exact type ('signin.failed'), or a prefix ending in '.' or '*' ('signin.', 'signin.*'). */
  type?: string | undefined;
}

interface RawRow {
  seq: number;
  occurred_at: string;
  type: string;
  actor: string | null;
  user_id: string | null;
  request_id: string | null;
  data: string | null;
  prev_hash: string;
  hash: string;
}

const COLUMNS = 'seq, occurred_at, type, actor, user_id, request_id, data, prev_hash, hash';

export interface AuditReader {
  /** Every row in seq order. */
  rows(): IterableIterator<AuditRow>;
  /** The rows the query selects, in seq order. */
  query(query: AuditQuery): IterableIterator<AuditRow>;
  /**
   * What shows this database has been used (so an empty audit log in it was emptied, not never
   * written): directory rows, sessions, or change events ever written; undefined for a new one.
   */
  evidenceOfUse(): string | undefined;
}

/** Tables every stored SCIM write or sign-in leaves rows in, each of which also leaves an audit row. */
const USE_TABLES = ['users', 'groups', 'sessions'] as const;

export function createAuditReader(sqlite: Database.Database): AuditReader {
  const all = sqlite.prepare<[], RawRow>(`SELECT ${COLUMNS} FROM audit_log ORDER BY seq`);
  return {
    rows: () => mapRows(all.iterate()),
    evidenceOfUse() {
      for (const table of USE_TABLES) {
        const count = sqlite.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
        if (count > 0) return `${table} has ${count} row(s)`;
      }
      // The change log's AUTOINCREMENT high-water mark survives deleting its rows.
      const events = sqlite.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'events'").pluck().get() as number | undefined;
      return events ? `the change log has had ${events} event(s)` : undefined;
    },
    query(query) {
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (query.since !== undefined) {
        where.push('occurred_at >= ?');
        params.push(query.since);
      }
      if (query.userId !== undefined) {
        where.push('user_id = ?');
        params.push(query.userId);
      }
      if (query.type !== undefined) {
        const prefix = /[.*]$/.test(query.type) ? query.type.replace(/\*$/, '') : undefined;
        if (prefix !== undefined) {
          // substr, not LIKE: a type may hold '_' or '%', which LIKE would read as wildcards.
          where.push('substr(type, 1, ?) = ?');
          params.push(prefix.length, prefix);
        } else {
          where.push('type = ?');
          params.push(query.type);
        }
      }
      const sql = `SELECT ${COLUMNS} FROM audit_log${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY seq`;
      return mapRows(sqlite.prepare<(string | number)[], RawRow>(sql).iterate(...params));
    },
  };
}

function* mapRows(rows: IterableIterator<RawRow>): IterableIterator<AuditRow> {
  for (const r of rows) {
    yield { seq: r.seq, occurredAt: r.occurred_at, type: r.type, actor: r.actor, userId: r.user_id, requestId: r.request_id, data: r.data, prevHash: r.prev_hash, hash: r.hash };
  }
}
