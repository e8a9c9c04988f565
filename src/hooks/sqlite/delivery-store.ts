/**
 * The delivery worker's state over SQLite (hook_subscribers, hook_deliveries, hook_attempts):
 * each subscriber's cursor in the outbox and its lease, its line of pending deliveries, and every
 * attempt claimed before it is sent. Two writes, both run inside the store's unit of work (the
 * worker has them ride the next group of SCIM writes, never waiting for the lock):
 * - `advance`, one per step: takes the lease, records the previous step's last outcome, and
 *   claims, in commit order, up to `maxBatch` due attempts at once (a subscriber that is behind
 *   costs one claim per batch, not one per event; a retry goes out alone);
 * - `record`, one per send that another send of the same step follows: that send's outcome,
 *   committed before the next send goes out — so after a crash only the send in flight is
 *   repeated, and a receiver never sees the sequence go back. (Recording several sends' outcomes
 *   in one write after they all went out re-sent answered events after a kill -9.)
 * What an outcome or an undone claim writes is ./delivery-outcomes.ts.
 *
 * Why it is safe with several processes on one database:
 * - A subscriber is delivered to by the holder of its lease only; the lease is taken or renewed in
 *   the write that claims, and a send starts only while the lease outlives it by its timeout plus
 *   a margin (`sendBy`), so it cannot expire while a send is in flight (sends are aborted at their
 *   timeout).
 * - An attempt is a row keyed (delivery, attempt number), inserted before the request goes out:
 *   two processes cannot claim the same attempt. Outcomes and undos are conditioned on the
 *   delivery still being at that attempt: a process that lost its lease (frozen past it) changes
 *   nothing another has claimed since, and the new holder re-sends the same event id
 *   (at-least-once). A claim never sent is undone (its row deleted, the count put back), so it is
 *   neither an attempt nor lost; if its process died first, it stays as an attempt without an
 *   outcome and the next holder makes the next attempt.
 */
import { timeOrderedIdPool } from '../../shared/random-ids.js';
import type { HookEvent, Outbox } from '../../persistence/outbox.js';
import type { Store } from '../../store/index.js';
import type { RetryPlan } from '../backoff.js';
import { createDeliveryOutcomes, type Settled } from './delivery-outcomes.js';

export type { Finished, Settled } from './delivery-outcomes.js';

/** An attempt claimed for sending (its row is in hook_attempts before the request goes out). */
export interface Claimed {
  deliveryId: string;
  attempt: number;
  event: HookEvent;
}

/** What the worker does next for one subscriber. */
export type Step =
  /**
   * Send `claimed` in order, one at a time, stopping at the first failure; a send may start only
   * until `sendBy` (the lease then still outlives it by its timeout plus a margin).
   */
  | { kind: 'send'; claimed: Claimed[]; sendBy: number }
  | { kind: 'wait'; until: number }
  | { kind: 'idle' }
  /** Another process holds the lease until `until`. */
  | { kind: 'elsewhere'; until: number };

export interface LaneSubscriber {
  id: string;
  accepts(event: HookEvent): boolean;
}

export interface AdvanceInput {
  subscriber: LaneSubscriber;
  owner: string;
  now: number;
  plan: RetryPlan;
  /** How long the lease must run past the start of one send: its timeout plus a margin. */
  sendLeaseMs: number;
  /** How long the lease runs from this step (idle, waiting, or sending: at least `sendLeaseMs`); another process takes over after it if this one dies. */
  leaseMs: number;
  /** At most this many attempts claimed in one step (1: one at a time). */
  maxBatch: number;
  finished?: Settled | undefined;
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

/** Outbox events read at a time while looking for the ones the subscriber accepts. */
const PAGE = 64;

// Time-ordered: one row per event per subscriber, and the attempts' key starts with it.
const deliveryIdBody = timeOrderedIdPool(9);
export const newDeliveryId = (): string => `dlv_${deliveryIdBody()}`;

export function createDeliveryStore(store: Pick<Store, 'sqlite' | 'writes'>, outbox: Outbox) {
  const { sqlite } = store;
  const subscriber = sqlite.prepare<[string], SubscriberRow>(
    'SELECT cursor, lease_owner AS leaseOwner, lease_until AS leaseUntil, rewound_at AS rewoundAt FROM hook_subscribers WHERE id = ?',
  );
  // A subscriber new to the database starts at the outbox head: events from now on, not history.
  const ensure = sqlite.prepare<{ id: string; head: number; now: number }>(
    `INSERT INTO hook_subscribers (id, cursor, lease_until, first_seen_at, last_seen_at) VALUES (@id, @head, 0, @now, @now)
     ON CONFLICT (id) DO NOTHING`,
  );
  // Takes or renews the lease, and says the subscriber was seen: one statement per step when the row exists.
  const lease = sqlite.prepare<{ id: string; owner: string; now: number; until: number }>(
    `UPDATE hook_subscribers SET lease_owner = @owner, lease_until = @until, last_seen_at = @now
      WHERE id = @id AND (lease_owner IS NULL OR lease_owner = @owner OR lease_until <= @now)`,
  );
  const moveCursor = sqlite.prepare<[number, string]>('UPDATE hook_subscribers SET cursor = ? WHERE id = ?');
  const release = sqlite.prepare<[number, string]>('UPDATE hook_subscribers SET lease_owner = NULL, lease_until = ? WHERE lease_owner = ?');
  // The subscriber's line: pending deliveries in commit order, after `seq`.
  const line = sqlite.prepare<[string, number, number], DeliveryRow>(
    `SELECT id, event_seq AS eventSeq, attempts, age_from AS ageFrom, next_attempt_at AS nextAttemptAt, state
       FROM hook_deliveries WHERE subscriber_id = ? AND state = 'pending' AND event_seq > ? ORDER BY event_seq LIMIT ?`,
  );
  // When the line's head is due: a delivery waiting for its retry holds everything after it back,
  // so the claims undone behind it (due at once) must not make the subscriber look due — each
  // write would otherwise cost it a step that only finds the head still waiting.
  const dueAt = sqlite.prepare<[string], number>(
    "SELECT next_attempt_at FROM hook_deliveries WHERE subscriber_id = ? AND state = 'pending' ORDER BY event_seq LIMIT 1",
  ).pluck();
  // A new delivery is inserted with its first attempt claimed (attempts = 1).
  const insertDelivery = sqlite.prepare<{ id: string; sub: string; seq: number; eventId: string; type: string; now: number; ageFrom: number }>(
    `INSERT INTO hook_deliveries (id, subscriber_id, event_seq, event_id, event_type, state, attempts, created_at, age_from, next_attempt_at, updated_at)
     VALUES (@id, @sub, @seq, @eventId, @type, 'pending', 1, @now, @ageFrom, @now, @now)`,
  );
  const claim = sqlite.prepare<[number, number, string, number]>('UPDATE hook_deliveries SET attempts = ?, updated_at = ? WHERE id = ? AND attempts = ?');
  const insertAttempt = sqlite.prepare<[string, number, string, number]>('INSERT INTO hook_attempts (delivery_id, attempt, owner, started_at) VALUES (?, ?, ?, ?)');

  const outcomes = createDeliveryOutcomes(sqlite);

  /** The event at `seq`, or undefined when retention has pruned it (the next one read is then another event). */
  const readEvent = (seq: number): HookEvent | undefined => {
    const [event] = outbox.readAfter(seq - 1, 1);
    return event?.seq === seq ? event : undefined;
  };

  /** Claims the next attempt of a pending delivery; undefined when its event is gone (dead-lettered instead). */
  const claimPending = (input: AdvanceInput, row: DeliveryRow): Claimed | undefined => {
    const event = readEvent(row.eventSeq);
    if (!event) {
      outcomes.deadLetter(input.now, 'the event is no longer in the outbox (pruned)', row.id, row.attempts);
      return undefined;
    }
    const attempt = row.attempts + 1;
    claim.run(attempt, input.now, row.id, row.attempts);
    insertAttempt.run(row.id, attempt, input.owner, input.now);
    return { deliveryId: row.id, attempt, event };
  };

  const accepts = (input: AdvanceInput, event: HookEvent): boolean => {
    try {
      return input.subscriber.accepts(event);
    } catch {
      // A filter that throws cannot hold the whole line up: the event is not for this subscriber.
      return false;
    }
  };

  /** Takes or renews the subscriber's lease (creating its row at the outbox head if it is new); false when another process holds it. */
  const takeLease = (input: AdvanceInput): boolean => {
    const { subscriber: sub, owner, now } = input;
    const taken = () => lease.run({ id: sub.id, owner, now, until: now + input.leaseMs }).changes === 1;
    if (taken()) return true;
    if (subscriber.get(sub.id)) return false;
    ensure.run({ id: sub.id, head: outbox.head(), now });
    return taken();
  };

  /** Claims, in commit order, pending deliveries that are due, then new events the subscriber accepts: at most `limit`. */
  const claimLine = (input: AdvanceInput, limit: number): Claimed[] | { waitUntil: number } => {
    const sub = input.subscriber;
    const claimed: Claimed[] = [];
    let after = -1;
    for (;;) {
      const wanted = limit - claimed.length;
      const rows = line.all(sub.id, after, wanted);
      for (const row of rows) {
        // A delivery waiting for its retry holds everything after it back.
        if (row.nextAttemptAt > input.now) return claimed.length > 0 ? claimed : { waitUntil: row.nextAttemptAt };
        // One tried before (it failed, or its process died mid-send) goes out alone: while its
        // receiver is down, a batch claimed behind it would only be undone again at every retry.
        const retry = row.attempts > 0;
        if (retry && claimed.length > 0) return claimed;
        after = row.eventSeq;
        const claim = claimPending(input, row);
        if (claim) claimed.push(claim);
        if (claim && retry) return claimed;
      }
      if (claimed.length >= limit) return claimed;
      if (rows.length < wanted) break;
    }
    const row = subscriber.get(sub.id) as SubscriberRow;
    let cursor = row.cursor;
    for (;;) {
      const events = outbox.readAfter(cursor, PAGE);
      for (const event of events) {
        cursor = event.seq;
        if (!accepts(input, event)) continue;
        const id = newDeliveryId();
        const ageFrom = Math.max(Date.parse(event.occurredAt) || input.now, row.rewoundAt);
        insertDelivery.run({ id, sub: sub.id, seq: event.seq, eventId: event.id, type: event.type, now: input.now, ageFrom });
        insertAttempt.run(id, 1, input.owner, input.now);
        claimed.push({ deliveryId: id, attempt: 1, event });
        if (claimed.length >= limit) break;
      }
      if (claimed.length >= limit || events.length < PAGE) break;
    }
    if (cursor !== row.cursor) moveCursor.run(cursor, sub.id);
    return claimed;
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
      if (at !== undefined) return at <= now ? { now: true } : { now: false, at };
      return { now: head > row.cursor };
    },

    /**
     * One step for one subscriber, inside a write: takes or renews the lease, records what became
     * of the previous step's claims (`finished`), then claims the next attempts that are due — up
     * to `maxBatch` in commit order, so a subscriber that is behind costs one write per batch
     * rather than one per event.
     */
    advance(input: AdvanceInput): Step {
      const { now } = input;
      if (!takeLease(input)) return { kind: 'elsewhere', until: subscriber.get(input.subscriber.id)?.leaseUntil ?? now };
      if (input.finished) outcomes.settle(input, input.finished);
      const claimed = claimLine(input, Math.max(1, Math.floor(input.maxBatch)));
      if (!Array.isArray(claimed)) return { kind: 'wait', until: claimed.waitUntil };
      if (claimed.length === 0) return { kind: 'idle' };
      return { kind: 'send', claimed, sendBy: now + input.leaseMs - input.sendLeaseMs };
    },

    /**
     * Records what became of claims without claiming more: after each send another send of the
     * step follows (so that a crash repeats at most the send in flight, never ones already
     * answered), and at shutdown. Needs no lease: every statement is conditioned on the delivery
     * still being at that attempt, so an outcome a newer claim has overtaken changes nothing.
     * Inside a write; true, so that the worker tells a recorded outcome from one not stored.
     */
    record(input: Pick<AdvanceInput, 'owner' | 'now' | 'plan' | 'random'>, settled: Settled): true {
      outcomes.settle(input, settled);
      return true;
    },

    /** Gives up this process's leases (at shutdown), so another process takes over at once. Inside a write. */
    release(owner: string, now: number): void {
      release.run(now, owner);
    },
  };
}

export type DeliveryStore = ReturnType<typeof createDeliveryStore>;
