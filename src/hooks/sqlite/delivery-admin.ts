/**
 * What operators see and do about hook deliveries (`scimgate hooks list|deliveries|retry|replay`,
 * built on these): each subscriber's place in the outbox and its lag, deliveries and their
 * attempts (dead letters with --failed), retrying a dead letter, and moving a subscriber's cursor
 * back to a time (a receiver that lost data). Reads are plain; the two changes are one write each.
 */
import type { Store } from '../../store/index.js';

export interface SubscriberStatus {
  id: string;
  /** The last outbox seq handled (delivered, dead-lettered, or not accepted). */
  cursor: number;
  /** Events in the outbox after the cursor (accepted or not). */
  lag: number;
  /** 'delivering': a pending delivery; 'retrying': it failed and waits; 'idle': caught up. */
  state: 'idle' | 'delivering' | 'retrying';
  pending: number;
  dead: number;
  leaseOwner: string | null;
  leaseUntil: Date | null;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

export type DeliveryState = 'pending' | 'delivered' | 'dead' | 'superseded';

export interface DeliveryStatus {
  id: string;
  subscriberId: string;
  eventSeq: number;
  eventId: string;
  eventType: string;
  state: DeliveryState;
  attempts: number;
  createdAt: Date;
  updatedAt: Date;
  nextAttemptAt: Date | null;
  lastError: string | null;
}

export interface AttemptStatus {
  attempt: number;
  owner: string;
  startedAt: Date;
  finishedAt: Date | null;
  /** null: in flight, or the process died during it. */
  outcome: 'ok' | 'failed' | null;
  error: string | null;
}

export interface DeliveryQuery {
  /** Only dead letters. */
  failed?: boolean;
  subscriberId?: string;
  /** Newest first, at most this many (default 100). */
  limit?: number;
}

interface DeliveryRow {
  id: string;
  subscriberId: string;
  eventSeq: number;
  eventId: string;
  eventType: string;
  state: DeliveryState;
  attempts: number;
  createdAt: number;
  updatedAt: number;
  nextAttemptAt: number;
  lastError: string | null;
}

const DELIVERY_COLUMNS = `id, subscriber_id AS subscriberId, event_seq AS eventSeq, event_id AS eventId, event_type AS eventType,
  state, attempts, created_at AS createdAt, updated_at AS updatedAt, next_attempt_at AS nextAttemptAt, last_error AS lastError`;

export function createHookAdmin(store: Pick<Store, 'sqlite' | 'writes'>, now: () => number = Date.now) {
  const { sqlite, writes } = store;
  const subscribers = sqlite.prepare<[], { id: string; cursor: number; leaseOwner: string | null; leaseUntil: number; firstSeenAt: number; lastSeenAt: number }>(
    'SELECT id, cursor, lease_owner AS leaseOwner, lease_until AS leaseUntil, first_seen_at AS firstSeenAt, last_seen_at AS lastSeenAt FROM hook_subscribers ORDER BY id',
  );
  const counts = sqlite.prepare<[string], { pending: number; dead: number; waiting: number }>(
    `SELECT count(*) FILTER (WHERE state = 'pending') AS pending, count(*) FILTER (WHERE state = 'dead') AS dead,
            count(*) FILTER (WHERE state = 'pending' AND attempts > 0) AS waiting
       FROM hook_deliveries WHERE subscriber_id = ?`,
  );
  const lagOf = sqlite.prepare<[number], number>('SELECT count(*) FROM hook_outbox WHERE seq > ?').pluck();
  const attemptsOf = sqlite.prepare<[string], { attempt: number; owner: string; startedAt: number; finishedAt: number | null; outcome: 'ok' | 'failed' | null; error: string | null }>(
    'SELECT attempt, owner, started_at AS startedAt, finished_at AS finishedAt, outcome, error FROM hook_attempts WHERE delivery_id = ? ORDER BY attempt',
  );
  const byId = sqlite.prepare<[string], DeliveryRow>(`SELECT ${DELIVERY_COLUMNS} FROM hook_deliveries WHERE id = ?`);
  const retry = sqlite.prepare<[number, number, number, string]>(
    "UPDATE hook_deliveries SET state = 'pending', next_attempt_at = ?, age_from = ?, updated_at = ?, last_error = NULL WHERE id = ? AND state = 'dead'",
  );
  const lastSeqBefore = sqlite.prepare<[string], number | null>('SELECT max(seq) FROM hook_outbox WHERE occurred_at < ?').pluck();
  const minSeq = sqlite.prepare<[], number | null>('SELECT min(seq) FROM hook_outbox').pluck();
  const rewind = sqlite.prepare<[number, number, string, number]>('UPDATE hook_subscribers SET cursor = ?, rewound_at = ? WHERE id = ? AND cursor > ?');
  const supersede = sqlite.prepare<[number, string, number]>(
    "UPDATE hook_deliveries SET state = 'superseded', updated_at = ? WHERE subscriber_id = ? AND state = 'pending' AND event_seq > ?",
  );
  const known = sqlite.prepare<[string], number>('SELECT 1 FROM hook_subscribers WHERE id = ?').pluck();

  const toDelivery = (row: DeliveryRow): DeliveryStatus => ({
    ...row,
    createdAt: new Date(row.createdAt),
    updatedAt: new Date(row.updatedAt),
    nextAttemptAt: row.state === 'pending' ? new Date(row.nextAttemptAt) : null,
  });

  return {
    /** Every subscriber the worker has seen, with its place and lag. */
    subscribers(): SubscriberStatus[] {
      return subscribers.all().map((row) => {
        const c = counts.get(row.id) ?? { pending: 0, dead: 0, waiting: 0 };
        return {
          id: row.id,
          cursor: row.cursor,
          lag: lagOf.get(row.cursor) ?? 0,
          state: c.waiting > 0 ? 'retrying' : c.pending > 0 ? 'delivering' : 'idle',
          pending: c.pending,
          dead: c.dead,
          leaseOwner: row.leaseOwner,
          leaseUntil: row.leaseOwner === null ? null : new Date(row.leaseUntil),
          firstSeenAt: new Date(row.firstSeenAt),
          lastSeenAt: new Date(row.lastSeenAt),
        };
      });
    },

    /** Deliveries, newest first; `failed` keeps dead letters only. */
    deliveries(query: DeliveryQuery = {}): DeliveryStatus[] {
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (query.failed) where.push("state = 'dead'");
      if (query.subscriberId !== undefined) {
        where.push('subscriber_id = ?');
        params.push(query.subscriberId);
      }
      params.push(Math.max(1, Math.min(query.limit ?? 100, 10_000)));
      const rows = sqlite
        .prepare<(string | number)[], DeliveryRow>(
          `SELECT ${DELIVERY_COLUMNS} FROM hook_deliveries ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY updated_at DESC, event_seq DESC LIMIT ?`,
        )
        .all(...params);
      return rows.map(toDelivery);
    },

    delivery(id: string): DeliveryStatus | undefined {
      const row = byId.get(id);
      return row ? toDelivery(row) : undefined;
    },

    /** A delivery's attempts, first to last. */
    attempts(deliveryId: string): AttemptStatus[] {
      return attemptsOf.all(deliveryId).map((row) => ({
        ...row,
        startedAt: new Date(row.startedAt),
        finishedAt: row.finishedAt === null ? null : new Date(row.finishedAt),
      }));
    },

    /**
     * Sends a dead-lettered delivery again (out of order: later events went on meanwhile), its
     * max age counting from now. False when there is no dead delivery with this id.
     */
    retry(deliveryId: string): boolean {
      const t = now();
      return writes.write(() => retry.run(t, t, t, deliveryId).changes > 0);
    },

    /**
     * Moves a subscriber's cursor back so that every event from `since` on is sent again, in
     * order, with its original id; max age counts from now for them. What it has pending past
     * the new cursor is superseded (it will come again in order). Returns the new cursor, or
     * undefined for a subscriber never seen. A cursor already before `since` stays.
     */
    replay(subscriberId: string, since: Date): number | undefined {
      const t = now();
      return writes.write(() => {
        if (known.get(subscriberId) === undefined) return undefined;
        const before = lastSeqBefore.get(since.toISOString()) ?? Math.max(0, (minSeq.get() ?? 1) - 1);
        if (rewind.run(before, t, subscriberId, before).changes > 0) supersede.run(t, subscriberId, before);
        return before;
      });
    },
  };
}

export type HookAdmin = ReturnType<typeof createHookAdmin>;
