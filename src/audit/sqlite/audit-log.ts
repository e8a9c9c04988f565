/**
 * The audit log over SQLite (the audit_log table): appends a hash-chained row inside the caller's
 * write, and prunes whole prefixes by age. The tail (seq and hash of the last row) is read inside
 * the write transaction every time, never remembered: the unit of work takes the write lock before
 * anything runs (BEGIN IMMEDIATE, or the open group's), so two processes on one database append one
 * after the other, each linking to the other's last row; and a savepoint that rolls back takes its
 * row with it, which a remembered tail would not know. The read is one step down the primary key's
 * right edge, already in the page cache.
 */
import type Database from 'better-sqlite3';
import type { AuditEntry, AuditLog } from '../../persistence/audit.js';
import type { Store } from '../../store/index.js';
import { GENESIS_HASH, PRUNED_TYPE, rowHash, type PrunedData, type PruneTrigger } from '../chain.js';

export interface SqliteAuditLog extends AuditLog {
  /**
   * Deletes the oldest rows, a whole prefix: every row up to (not including) the first one that
   * occurred at or after `before`, and appends an audit.pruned row naming the cut, in one write.
   * Returns how many rows were deleted (0: nothing written). `by` is recorded on that row: who
   * pruned (`retention` for the server's schedule, `operator` for the CLI) and what triggered it.
   */
  prune(before: Date, by: PruneBy): number;
  /** The last row's seq and hash (undefined: no rows), for anchoring outside the database. */
  head(): AuditHead | undefined;
}

export interface AuditHead {
  seq: number;
  hash: string;
}

export interface PruneBy {
  actor: string;
  trigger: PruneTrigger;
}

/** The server's hourly retention run. */
export const SCHEDULED_PRUNE: PruneBy = { actor: 'retention', trigger: 'schedule' };
/** `scimgate audit prune`, run by an operator. */
export const MANUAL_PRUNE: PruneBy = { actor: 'operator', trigger: 'manual' };

export interface AuditLogDeps extends Pick<Store, 'sqlite' | 'writes'> {
  now?: () => Date;
}

export class AuditOutsideWrite extends Error {
  readonly code = 'audit-outside-write';
  constructor() {
    super('AuditLog.record must run inside store.writes.write(…): the chain tail is read under the write lock');
  }
}

interface Tail {
  seq: number;
  hash: string;
}

export function createSqliteAuditLog(deps: AuditLogDeps): SqliteAuditLog {
  const { sqlite, writes } = deps;
  const now = deps.now ?? (() => new Date());
  const tail = sqlite.prepare<[], Tail>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
  const insert = sqlite.prepare<[number, string, string, string | null, string | null, string | null, string | null, string, string]>(
    'INSERT INTO audit_log (seq, occurred_at, type, actor, user_id, request_id, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const firstYoung = sqlite.prepare<[string], { seq: number }>('SELECT seq FROM audit_log WHERE occurred_at >= ? ORDER BY seq LIMIT 1');
  const byseq = sqlite.prepare<[number], Tail>('SELECT seq, hash FROM audit_log WHERE seq = ?');
  const deletePrefix = sqlite.prepare<[number]>('DELETE FROM audit_log WHERE seq <= ?');

  /** `last`: the tail when the caller knows it (a prune that may have deleted every row). */
  function append(entry: AuditEntry, last: Tail | undefined = tail.get()): void {
    // Hashed over exactly what SQLite will store: it stores a lone UTF-16 surrogate as U+FFFD,
    // so a row hashed over the raw string would fail verify though nobody touched it.
    const row = {
      seq: (last?.seq ?? 0) + 1,
      occurredAt: now().toISOString(),
      type: wellFormed(entry.type),
      actor: nullableWellFormed(entry.actor),
      userId: nullableWellFormed(entry.userId),
      requestId: nullableWellFormed(entry.requestId || undefined),
      data: entry.data === undefined ? null : wellFormed(JSON.stringify(entry.data)),
      prevHash: last?.hash ?? GENESIS_HASH,
    };
    insert.run(row.seq, row.occurredAt, row.type, row.actor, row.userId, row.requestId, row.data, row.prevHash, rowHash(row));
  }

  return {
    head: () => tail.get(),
    record(entry) {
      if (!sqlite.inTransaction) throw new AuditOutsideWrite();
      append(entry);
    },

    prune(before, by) {
      return writes.write(() => {
        const cutoff = before.toISOString();
        const last = tail.get();
        if (!last) return 0;
        // Rows are in seq order, not necessarily in time order across processes' clocks: the
        // prefix ends before the first row young enough to keep, so nothing younger is ever cut.
        const young = firstYoung.get(cutoff);
        const through = young ? young.seq - 1 : last.seq;
        const cut = through > 0 ? byseq.get(through) : undefined;
        if (!cut) return 0;
        const deleted = deletePrefix.run(through).changes;
        if (deleted === 0) return 0;
        const data: PrunedData = { through, hash: cut.hash, before: cutoff, deleted, trigger: by.trigger };
        // Linked to the tail as it was before the delete, which may have taken it too.
        append({ type: PRUNED_TYPE, actor: by.actor, data: { ...data } }, last);
        return deleted;
      });
    },
  };
}

/** String.prototype.toWellFormed (Node 20; not yet in the ES2023 lib TypeScript is given here). */
function wellFormed(text: string): string {
  return (text as string & { toWellFormed(): string }).toWellFormed();
}

function nullableWellFormed(text: string | null | undefined): string | null {
  return text === undefined || text === null ? null : wellFormed(text);
}
