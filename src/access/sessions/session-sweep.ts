/**
 * The server's minute sweep over sessions: ends the ones left idle past their idle timeout (a
 * revocation with reason `expired-early`, so hooks and the audit log hear of it like any other),
 * then deletes rows past their idle expiry. Lookups already refuse such sessions on their own;
 * the sweep is what tells downstream systems, and keeps the table from growing without end.
 */
import type { SessionStore } from '../../persistence/sessions.js';

export interface SessionSweepOptions {
  intervalMs?: number;
  onSwept?: (ended: number, deleted: number) => void;
  /** A busy or failing database: the sweep tries again at the next interval. */
  onFailure?: (error: unknown) => void;
}

export const SESSION_SWEEP_MS = 60_000;

export function startSessionSweep(sessions: Pick<SessionStore, 'endIdle' | 'purgeExpired'>, options: SessionSweepOptions = {}): { sweep(): void; stop(): void } {
  const sweep = () => {
    try {
      const ended = sessions.endIdle();
      const deleted = sessions.purgeExpired();
      if (ended + deleted > 0) options.onSwept?.(ended, deleted);
    } catch (error) {
      options.onFailure?.(error);
    }
  };
  const timer = setInterval(sweep, options.intervalMs ?? SESSION_SWEEP_MS);
  timer.unref();
  return { sweep, stop: () => clearInterval(timer) };
}
