/**
 * Retention of the hooks' tables: events older than `hooks.retention` that every subscriber seen
 * within that time has passed, and finished deliveries (delivered, dead, superseded) with their
 * attempts older than it. Pending work is never pruned. One bounded write per call, so a large
 * backlog is pruned over several calls rather than in one long hold of the write lock.
 */
import type { Store } from '../../store/index.js';

/** Rows deleted per table per call. */
const BATCH = 5_000;

export function createHookRetention(store: Pick<Store, 'sqlite' | 'writes'>) {
  const { sqlite } = store;
  // The lowest cursor of subscribers still around: nothing at or after it may go.
  const floor = sqlite.prepare<[number], number | null>('SELECT min(cursor) FROM hook_subscribers WHERE last_seen_at >= ?').pluck();
  const events = sqlite.prepare<{ before: string; floor: number; batch: number }>(
    `DELETE FROM hook_outbox WHERE seq IN (
       SELECT seq FROM hook_outbox WHERE occurred_at < @before AND seq <= @floor ORDER BY seq LIMIT @batch)`,
  );
  const finished = sqlite.prepare<{ before: number; batch: number }, { id: string }>(
    `DELETE FROM hook_deliveries WHERE id IN (
       SELECT id FROM hook_deliveries WHERE state IN ('delivered', 'dead', 'superseded') AND updated_at < @before LIMIT @batch)
     RETURNING id`,
  );
  const attempts = sqlite.prepare<[string]>('DELETE FROM hook_attempts WHERE delivery_id IN (SELECT value FROM json_each(?))');

  return {
    /** Inside a write: prunes one batch; returns how many rows went (0: nothing left to prune). */
    prune(now: number, retentionMs: number): number {
      const cutoff = now - retentionMs;
      const lowest = floor.get(cutoff) ?? Number.MAX_SAFE_INTEGER;
      let removed = events.run({ before: new Date(cutoff).toISOString(), floor: lowest, batch: BATCH }).changes;
      const gone = finished.all({ before: cutoff, batch: BATCH }).map((row) => row.id);
      if (gone.length > 0) removed += gone.length + attempts.run(JSON.stringify(gone)).changes;
      return removed;
    },
  };
}
