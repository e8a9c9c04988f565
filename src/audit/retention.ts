/**
 * Audit retention by age, applied by the server: once at start and then every hour, rows older
 * than the configured retention are pruned as a whole prefix with the cut recorded
 * (src/audit/sqlite/audit-log.ts `prune`). `scimgate audit prune` does the same on demand.
 * Each run (retention on or off) also reports the log's head, which the server logs as
 * `auditHead`: shipped logs then hold anchors that `scimgate audit verify --expect` checks, the
 * only way to see rows cut from the end or a chain rewritten by someone who can write the database.
 */
import { SCHEDULED_PRUNE, type AuditHead, type SqliteAuditLog } from './sqlite/audit-log.js';

export interface AuditRetentionOptions {
  log: Pick<SqliteAuditLog, 'prune' | 'head'>;
  /** Rows older than this are pruned; undefined keeps every row (nothing runs). */
  retentionSeconds: number | undefined;
  now?: () => Date;
  intervalMs?: number;
  onPruned?: (deleted: number, before: Date) => void;
  /** A prune that failed (a busy database): tried again at the next interval. */
  onFailure?: (error: unknown) => void;
  /** The head after each run (undefined: no rows yet), to be logged outside the database. */
  onHead?: (head: AuditHead | undefined) => void;
}

export interface AuditRetention {
  /** Prunes now; the number of rows deleted (0 when retention is off or nothing is old enough). */
  run(): number;
  stop(): void;
}

export const RETENTION_INTERVAL_MS = 3_600_000;

export function startAuditRetention(options: AuditRetentionOptions): AuditRetention {
  const { retentionSeconds } = options;
  const now = options.now ?? (() => new Date());
  const run = (): number => {
    const deleted = prune();
    try {
      options.onHead?.(options.log.head());
    } catch (error) {
      options.onFailure?.(error);
    }
    return deleted;
  };
  const prune = (): number => {
    if (retentionSeconds === undefined) return 0;
    const before = new Date(now().getTime() - retentionSeconds * 1000);
    try {
      const deleted = options.log.prune(before, SCHEDULED_PRUNE);
      if (deleted > 0) options.onPruned?.(deleted, before);
      return deleted;
    } catch (error) {
      options.onFailure?.(error);
      return 0;
    }
  };
  // Runs hourly even with retention off: the head is logged each time.
  const timer = setInterval(run, options.intervalMs ?? RETENTION_INTERVAL_MS);
  timer.unref();
  run();
  return { run, stop: () => clearInterval(timer) };
}
