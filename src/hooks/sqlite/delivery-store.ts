/**
 * The delivery worker's state over SQLite (hook_subscribers, hook_deliveries, hook_attempts):
 * each subscriber's cursor in the outbox and its lease, the head-of-line delivery, and every
 * attempt claimed before it is sent. `advance` is the worker's one write per step; it must run
 * inside the store's unit of work (the worker uses `writeIfFree`, so it never waits for the lock).
 *
 * Why it is safe with several processes on one database:
 * - A subscriber is delivered to by the holder of its lease only; a lease is taken or renewed in
 *   the same write that claims an attempt, and runs past that attempt's send timeout, so it
 *   cannot expire while the send is in flight (the send is aborted at its timeout).
 * - An attempt is a row keyed (delivery, attempt number), inserted before the request goes out:
 *   two processes cannot claim the same attempt. An outcome is recorded only while the recorder
 *   still holds the lease; a process that lost it (frozen past its lease) records nothing, and the
 *   new holder's next attempt re-sends the same event id (at-least-once).
 */
import { randomBytes } from 'node:crypto';
import type { HookEvent, Outbox } from '../../persistence/outbox.js';
import type { Store } from '../../store/index.js';
import { nextRetry, type RetryPlan } from '../backoff.js';
import type { SendOutcome } from '../subscriber.js';

/** What the worker does next for one subscriber. */
export type Step =
  | { kind: 'send'; deliveryId: string; attempt: number; event: HookEvent }
  | { kind: 'wait'; until: number }
  | { kind: 'idle' }
  /** Another process holds the lease until `until`. */
  | { kind: 'elsewhere'; until: number };

/** An attempt whose outcome is to be recorded (by the next `advance`). */
export interface Finished {
  deliveryId: string;
  attempt: number;
  outcome: SendOutcome;
}

export interface LaneSubscriber {
  id: string;
  accepts(event: HookEvent): boolean;
}

export interface AdvanceInput {
  subscriber: LaneSubscriber;
  owner: string;
  now: number;
  plan: RetryPlan;
  /** How long the lease runs past an attempt's start: its send timeout plus a margin. */
  sendLeaseMs: number;
  /** How long the lease runs while idle or waiting for a retry (another process takes over after it if this one dies). */
  idleLeaseMs: number;
  finished?: Finished | undefined;
  random: () => number;
}

interface SubscriberRow {
  cursor: number;
  leaseOwner: string | null;
  leaseUntil: number;
  rewoundAt: number;
}

interface DeliveryRow {
  id: string;
  eventSeq: number;
  attempts: number;
  ageFrom: number;
  nextAttemptAt: number;
  state: string;
}

/** Outbox events read per step while skipping those the subscriber does not accept. */
const SCAN = 200;

export const newDeliveryId = (): string => `dlv_${randomBytes(12).toString('base64url')}`;

export function createDeliveryStore(store: Pick<Store, 'sqlite' | 'writes'>, outbox: Outbox) {
  const { sqlite } = store;
  const subscriber = sqlite.prepare<[string], SubscriberRow>(
    'SELECT cursor, lease_owner AS leaseOwner, lease_until AS leaseUntil, rewound_at AS rewoundAt FROM hook_subscribers WHERE id = ?',
  );
  // A subscriber new to the database starts at the outbox head: events from now on, not history.
  const ensure = sqlite.prepare<{ id: string; head: number; now: number }>(
    `INSERT INTO hook_subscribers (id, cursor, lease_until, first_seen_at, last_seen_at) VALUES (@id, @head, 0, @now, @now)
     ON CONFLICT (id) DO UPDATE SET last_seen_at = excluded.last_seen_at`,
  );
  const lease = sqlite.prepare<{ id: string; owner: string; now: number; until: number }>(
    `UPDATE hook_subscribers SET lease_owner = @owner, lease_until = @until
      WHERE id = @id AND (lease_owner IS NULL OR lease_owner = @owner OR lease_until <= @now)`,
  );
  const moveCursor = sqlite.prepare<[number, string]>('UPDATE hook_subscribers SET cursor = ? WHERE id = ?');
  const release = sqlite.prepare<[number, string]>('UPDATE hook_subscribers SET lease_owner = NULL, lease_until = ? WHERE lease_owner = ?');
  const headOfLine = sqlite.prepare<[string], DeliveryRow>(
    `SELECT id, event_seq AS eventSeq, attempts, age_from AS ageFrom, next_attempt_at AS nextAttemptAt, state
       FROM hook_deliveries WHERE subscriber_id = ? AND state = 'pending' ORDER BY event_seq LIMIT 1`,
  );
  const dueAt = sqlite.prepare<[string], number | null>(
    "SELECT min(next_attempt_at) FROM hook_deliveries WHERE subscriber_id = ? AND state = 'pending'",
  ).pluck();
  const deliveryById = sqlite.prepare<[string], DeliveryRow>(
    'SELECT id, event_seq AS eventSeq, attempts, age_from AS ageFrom, next_attempt_at AS nextAttemptAt, state FROM hook_deliveries WHERE id = ?',
  );
  const insertDelivery = sqlite.prepare<{ id: string; sub: string; seq: number; eventId: string; type: string; now: number; ageFrom: number }>(
    `INSERT INTO hook_deliveries (id, subscriber_id, event_seq, event_id, event_type, state, attempts, created_at, age_from, next_attempt_at, updated_at)
     VALUES (@id, @sub, @seq, @eventId, @type, 'pending', 0, @now, @ageFrom, @now, @now)`,
  );
  const claim = sqlite.prepare<[number, number, string, number]>('UPDATE hook_deliveries SET attempts = ?, updated_at = ? WHERE id = ? AND attempts = ?');
  const insertAttempt = sqlite.prepare<[string, number, string, number]>('INSERT INTO hook_attempts (delivery_id, attempt, owner, started_at) VALUES (?, ?, ?, ?)');
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
  const eventAt = sqlite.prepare<[number], number>('SELECT seq FROM hook_outbox WHERE seq = ?').pluck();

  const record = (input: AdvanceInput, finished: Finished) => {
    const { now } = input;
    const { outcome } = finished;
    const row = deliveryById.get(finished.deliveryId);
    finishAttempt.run(now, outcome.ok ? 'ok' : 'failed', outcome.ok ? null : outcome.reason, finished.deliveryId, finished.attempt, input.owner);
    if (!row || row.state !== 'pending' || row.attempts !== finished.attempt) return;
    if (outcome.ok) {
      delivered.run(now, finished.deliveryId, finished.attempt);
      return;
    }
    const decision = outcome.retryable ? nextRetry(input.plan, finished.attempt, now, row.ageFrom, input.random, outcome.retryAfterMs) : { dead: true as const };
    if ('dead' in decision) deadLetter.run(now, outcome.retryable ? `max age passed; last: ${outcome.reason}` : outcome.reason, finished.deliveryId, finished.attempt);
    else retryLater.run(decision.retryAt, now, outcome.reason, finished.deliveryId, finished.attempt);
  };

  const readEvent = (seq: number): HookEvent | undefined => (eventAt.get(seq) === undefined ? undefined : outbox.readAfter(seq - 1, 1)[0]);

  /** Claims the next attempt of `row` (the head of the line, due now). */
  const claimAttempt = (input: AdvanceInput, row: DeliveryRow): Step | undefined => {
    const event = readEvent(row.eventSeq);
    if (!event) {
      deadLetter.run(input.now, 'the event is no longer in the outbox (pruned)', row.id, row.attempts);
      return undefined;
    }
    const attempt = row.attempts + 1;
    claim.run(attempt, input.now, row.id, row.attempts);
    insertAttempt.run(row.id, attempt, input.owner, input.now);
    lease.run({ id: input.subscriber.id, owner: input.owner, now: input.now, until: input.now + input.sendLeaseMs });
    return { kind: 'send', deliveryId: row.id, attempt, event };
  };

  const accepts = (input: AdvanceInput, event: HookEvent): boolean => {
    try {
      return input.subscriber.accepts(event);
    } catch {
      // A filter that throws cannot hold the whole line up: the event is not for this subscriber.
      return false;
    }
  };

  return {
    /**
     * Read-only: whether `advance` has anything to do for this subscriber now, else when to look
     * again (undefined: when the outbox moves). Keeps idle cycles free of writes.
     */
    due(subscriberId: string, owner: string, now: number, head: number): { now: boolean; at?: number } {
      const row = subscriber.get(subscriberId);
      if (!row) return { now: true };
      if (row.leaseOwner !== null && row.leaseOwner !== owner && row.leaseUntil > now) return { now: false, at: row.leaseUntil };
      const at = dueAt.get(subscriberId);
      if (at !== null && at !== undefined) return at <= now ? { now: true } : { now: false, at };
      return { now: head > row.cursor };
    },

    /** One step for one subscriber, inside a write: records `finished`, then claims the next attempt if one is due. */
    advance(input: AdvanceInput): Step {
      const { subscriber: sub, owner, now } = input;
      ensure.run({ id: sub.id, head: outbox.head(), now });
      if (lease.run({ id: sub.id, owner, now, until: now + input.idleLeaseMs }).changes === 0) {
        return { kind: 'elsewhere', until: subscriber.get(sub.id)?.leaseUntil ?? now };
      }
      if (input.finished) record(input, input.finished);
      for (;;) {
        const pending = headOfLine.get(sub.id);
        if (pending) {
          if (pending.nextAttemptAt > now) return { kind: 'wait', until: pending.nextAttemptAt };
          const step = claimAttempt(input, pending);
          if (step) return step;
          continue;
        }
        const row = subscriber.get(sub.id) as SubscriberRow;
        const events = outbox.readAfter(row.cursor, SCAN);
        let cursor = row.cursor;
        for (const event of events) {
          cursor = event.seq;
          if (!accepts(input, event)) continue;
          moveCursor.run(cursor, sub.id);
          const id = newDeliveryId();
          const ageFrom = Math.max(Date.parse(event.occurredAt) || now, row.rewoundAt);
          insertDelivery.run({ id, sub: sub.id, seq: event.seq, eventId: event.id, type: event.type, now, ageFrom });
          const step = claimAttempt(input, { id, eventSeq: event.seq, attempts: 0, ageFrom, nextAttemptAt: now, state: 'pending' });
          if (step) return step;
        }
        if (cursor !== row.cursor) moveCursor.run(cursor, sub.id);
        if (events.length < SCAN) return { kind: 'idle' };
      }
    },

    /** Gives up this process's leases (at shutdown), so another process takes over at once. Inside a write. */
    release(owner: string, now: number): void {
      release.run(now, owner);
    },
  };
}

export type DeliveryStore = ReturnType<typeof createDeliveryStore>;
