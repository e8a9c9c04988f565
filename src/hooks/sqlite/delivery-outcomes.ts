/**
 * What became of claimed attempts, written into the delivery state (./delivery-store.ts runs it
 * inside its writes): a sent attempt's outcome — delivered, retried later with backoff and jitter
 * (../backoff.ts), or dead-lettered — and the undoing of a claim that was never sent.
 *
 * Every statement is conditioned on the delivery still being pending at that attempt: one that an
 * operator's retry, a replay or another process (after this one lost its lease) has moved on
 * meanwhile is left as it is.
 */
import type Database from 'better-sqlite3';
import { nextRetry, type RetryPlan } from '../backoff.js';
import type { SendOutcome } from '../subscriber.js';

/** A sent attempt whose outcome is to be recorded. */
export interface Finished {
  deliveryId: string;
  attempt: number;
  outcome: SendOutcome;
}

/** What became of a `send` step's claims: the ones sent, with their outcomes, and the ones never sent (after a failure, past `sendBy`, or at shutdown). */
export interface Settled {
  sent: Finished[];
  unsent: { deliveryId: string; attempt: number }[];
}

export interface OutcomeInput {
  /** The process that claimed the attempts (only its own attempt rows are finished or dropped). */
  owner: string;
  now: number;
  plan: RetryPlan;
  random: () => number;
}

export function createDeliveryOutcomes(sqlite: Database.Database) {
  const deliveryById = sqlite.prepare<[string], { state: string; attempts: number; ageFrom: number }>(
    'SELECT state, attempts, age_from AS ageFrom FROM hook_deliveries WHERE id = ?',
  );
  const unclaim = sqlite.prepare<[number, string, number]>(
    "UPDATE hook_deliveries SET attempts = attempts - 1, updated_at = ? WHERE id = ? AND attempts = ? AND state = 'pending'",
  );
  const dropAttempt = sqlite.prepare<[string, number, string]>(
    'DELETE FROM hook_attempts WHERE delivery_id = ? AND attempt = ? AND owner = ? AND finished_at IS NULL',
  );
  const finishAttempt = sqlite.prepare<[number, string, string | null, string, number, string]>(
    'UPDATE hook_attempts SET finished_at = ?, outcome = ?, error = ? WHERE delivery_id = ? AND attempt = ? AND owner = ?',
  );
  const delivered = sqlite.prepare<[number, string, number]>(
    "UPDATE hook_deliveries SET state = 'delivered', updated_at = ?, last_error = NULL WHERE id = ? AND attempts = ? AND state = 'pending'",
  );
  const retryLater = sqlite.prepare<[number, number, string, string, number]>(
    "UPDATE hook_deliveries SET next_attempt_at = ?, updated_at = ?, last_error = ? WHERE id = ? AND attempts = ? AND state = 'pending'",
  );
  const deadLetter = sqlite.prepare<[number, string, string, number]>(
    "UPDATE hook_deliveries SET state = 'dead', updated_at = ?, last_error = ? WHERE id = ? AND attempts = ? AND state = 'pending'",
  );

  /** One sent attempt's outcome. */
  const record = (input: OutcomeInput, finished: Finished) => {
    const { now } = input;
    const { outcome } = finished;
    finishAttempt.run(now, outcome.ok ? 'ok' : 'failed', outcome.ok ? null : outcome.reason, finished.deliveryId, finished.attempt, input.owner);
    if (outcome.ok) {
      delivered.run(now, finished.deliveryId, finished.attempt);
      return;
    }
    const row = deliveryById.get(finished.deliveryId);
    if (!row || row.state !== 'pending' || row.attempts !== finished.attempt) return;
    const decision = outcome.retryable ? nextRetry(input.plan, finished.attempt, now, row.ageFrom, input.random, outcome.retryAfterMs) : { dead: true as const };
    if ('dead' in decision) deadLetter.run(now, outcome.retryable ? `max age passed; last: ${outcome.reason}` : outcome.reason, finished.deliveryId, finished.attempt);
    else retryLater.run(decision.retryAt, now, outcome.reason, finished.deliveryId, finished.attempt);
  };

  /**
   * A claim that was never sent is undone: the delivery stays pending, due at once, with its
   * attempt count as before, and its attempt row goes (no request carried it).
   */
  const undo = (input: OutcomeInput, claim: { deliveryId: string; attempt: number }) => {
    if (unclaim.run(input.now, claim.deliveryId, claim.attempt).changes === 1) dropAttempt.run(claim.deliveryId, claim.attempt, input.owner);
  };

  return {
    /** Records the sent attempts' outcomes and undoes the claims never sent. Inside a write. */
    settle(input: OutcomeInput, settled: Settled): void {
      for (const finished of settled.sent) record(input, finished);
      for (const claim of settled.unsent) undo(input, claim);
    },
    /** Dead-letters a delivery still pending at `attempts` (its event is gone, for one). Inside a write. */
    deadLetter(now: number, reason: string, deliveryId: string, attempts: number): void {
      deadLetter.run(now, reason, deliveryId, attempts);
    },
  };
}
