/**
 * SampledAudit: audit entries from hot or unauthenticated paths (policy denies on forward auth,
 * refused sign-ins), rate-limited per key and appended off the request path.
 *
 * - `note` is memory only: a Map lookup, and a push when the key's window is new. It never reads
 *   or writes the database, so a deny never waits for the write lock.
 * - At most one entry per key per window (default one minute) is kept; the others are counted,
 *   and when the window ends the count is appended as a summary entry of the same type
 *   (`data.suppressed`, `data.windowStart`).
 * - A timer flushes the buffer with `writeIfFree`: when another process holds the write lock it
 *   tries again at the next tick instead of blocking the event loop — but after `busyTicks` ticks in
 *   a row that found it busy, with a normal write (the bounded busy wait), so a process that keeps
 *   the lock cannot hold the entries back forever. Only "busy" means "try later": an entry that
 *   fails to append for any other reason is reported (`onFailure`), dropped and counted in
 *   `audit.dropped`, so it cannot block the entries behind it.
 * - Bounded: past `maxKeys` windows or `maxBuffered` entries, further entries are counted and an
 *   `audit.dropped` entry says how many were lost. A crash (or kill -9) loses the buffered entries
 *   and the counts of open windows: at most about one flush interval's worth of first entries,
 *   and the suppressed counts of the current window.
 */
import type { AuditEntry, AuditLog, SampledAudit } from '../persistence/audit.js';
import { isBusyError, type UnitOfWork } from '../store/index.js';

export interface SampledAuditOptions {
  log: AuditLog;
  writes: Pick<UnitOfWork, 'write' | 'writeIfFree'>;
  now?: () => number;
  /** One entry per key per window (default 60 s). */
  windowMs?: number;
  /** How often the buffer is written (default 1 s). */
  flushMs?: number;
  maxKeys?: number;
  maxBuffered?: number;
  /** Flushes in a row that found the lock busy before one waits for it (default 10). */
  busyTicks?: number;
  /** An entry that could not be appended (and was dropped), or a flush that failed other than busy. */
  onFailure?: (error: unknown, entry?: AuditEntry) => void;
}

export interface RunningSampledAudit extends SampledAudit {
  /** Appends what is buffered now, if the write lock is free; true when nothing is left. */
  flush(): boolean;
  /** Stops the timer and writes what is buffered (waiting for the lock this once), summaries of open windows included. */
  stop(): void;
}

interface Window {
  since: number;
  suppressed: number;
  entry: AuditEntry;
  summaryData: Record<string, unknown> | undefined;
}

export const DROPPED_TYPE = 'audit.dropped';

export function startSampledAudit(options: SampledAuditOptions): RunningSampledAudit {
  const { log, writes } = options;
  const now = options.now ?? Date.now;
  const windowMs = options.windowMs ?? 60_000;
  const maxKeys = options.maxKeys ?? 10_000;
  const maxBuffered = options.maxBuffered ?? 10_000;
  const windows = new Map<string, Window>();
  let pending: AuditEntry[] = [];
  let dropped = 0;

  const summary = (w: Window): AuditEntry => ({
    ...w.entry,
    requestId: undefined,
    data: { ...(w.summaryData ?? w.entry.data), suppressed: w.suppressed, windowStart: new Date(w.since).toISOString() },
  });

  const enqueue = (entry: AuditEntry) => {
    if (pending.length >= maxBuffered) dropped += 1;
    else pending.push(entry);
  };

  /** Ends windows that are over (all of them when `all`): their suppressed counts become summary entries. */
  const sweep = (t: number, all: boolean) => {
    for (const [key, w] of windows) {
      if (!all && t - w.since < windowMs) continue;
      if (w.suppressed > 0) enqueue(summary(w));
      windows.delete(key);
    }
  };

  /**
   * True once written: writeIfFree answers undefined for "not written". An entry whose own append
   * throws (not a busy database: the lock is held here) is dropped and counted; SQLite undoes just
   * that failed statement, so the rest of the batch still commits.
   */
  const append = (entries: AuditEntry[], lost: number) => (): true => {
    let failed = 0;
    for (const entry of entries) {
      try {
        log.record(entry);
      } catch (error) {
        if (isBusyError(error)) throw error;
        failed += 1;
        options.onFailure?.(error, entry);
      }
    }
    if (lost + failed > 0) log.record({ type: DROPPED_TYPE, data: { dropped: lost + failed } });
    return true;
  };

  const busyTicks = options.busyTicks ?? 10;
  let busyInARow = 0;
  /** The batch through `writes.write` (waiting up to the busy timeout); undefined when not written. */
  const waitAndWrite = (change: () => true): true | undefined => {
    try {
      return writes.write(change);
    } catch (error) {
      if (!isBusyError(error)) options.onFailure?.(error);
      return undefined;
    }
  };

  const flush = (): boolean => {
    sweep(now(), false);
    if (pending.length === 0 && dropped === 0) return true;
    const change = append(pending, dropped);
    const written = busyInARow >= busyTicks ? waitAndWrite(change) : writes.writeIfFree(change);
    if (written === undefined) {
      busyInARow += 1;
      return false;
    }
    busyInARow = 0;
    pending = [];
    dropped = 0;
    return true;
  };

  const timer = setInterval(flush, options.flushMs ?? 1000);
  timer.unref();

  return {
    note(key, entry, summaryData) {
      const t = now();
      const open = windows.get(key);
      if (open && t - open.since < windowMs) {
        open.suppressed += 1;
        return;
      }
      if (open) {
        if (open.suppressed > 0) enqueue(summary(open));
        windows.delete(key);
      } else if (windows.size >= maxKeys) {
        sweep(t, false);
        if (windows.size >= maxKeys) {
          dropped += 1;
          return;
        }
      }
      windows.set(key, { since: t, suppressed: 0, entry, summaryData });
      enqueue(entry);
    },
    flush,
    stop() {
      clearInterval(timer);
      sweep(now(), true);
      if (pending.length === 0 && dropped === 0) return;
      writes.write(append(pending, dropped));
      pending = [];
      dropped = 0;
    },
  };
}
