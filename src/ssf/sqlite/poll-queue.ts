/**
 * The poll queues of RFC 8936 streams over SQLite (ssf_poll_queue): SETs queued by the delivery
 * worker, read oldest first by the receiver's polls, returned again until acknowledged, and never
 * after. An acknowledged row keeps its jti for `ACKED_KEPT_DAYS`, so that a redelivery of the same
 * outbox event (at-least-once) finds it and does not queue the SET again.
 */
import type { Store } from '../../store/index.js';

export const ACKED_KEPT_DAYS = 7;

export interface QueuedSet {
  jti: string;
  token: string;
}

export interface PollQueue {
  /** Queues a signed SET; a jti already queued for the stream (acknowledged or not) is left as it is. */
  enqueue(streamId: string, jti: string, kid: string, token: string, at: string): void;
  /** Acknowledges these jtis (RFC 8936 `ack` and `setErrs` alike); unknown ones are ignored. */
  acknowledge(streamId: string, jtis: readonly string[], at: string): void;
  /** Up to `max` unacknowledged SETs, oldest first, and whether more wait. */
  peek(streamId: string, max: number): { sets: QueuedSet[]; more: boolean };
  /** Forgets acknowledged rows acknowledged before `before`. */
  purgeAcknowledged(before: string): number;
}

export function createSqlitePollQueue(store: Pick<Store, 'sqlite' | 'writes'>): PollQueue {
  const { sqlite, writes } = store;
  const insert = sqlite.prepare<[string, string, string, string, string]>(
    'INSERT INTO ssf_poll_queue (stream_id, jti, kid, token, queued_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (stream_id, jti) DO NOTHING',
  );
  const ack = sqlite.prepare<[string, string, string]>("UPDATE ssf_poll_queue SET acked_at = ?, token = '' WHERE stream_id = ? AND jti = ? AND acked_at IS NULL");
  const select = sqlite.prepare<[string, number], QueuedSet>(
    'SELECT jti, token FROM ssf_poll_queue WHERE stream_id = ? AND acked_at IS NULL ORDER BY seq LIMIT ?',
  );
  const purge = sqlite.prepare<[string]>('DELETE FROM ssf_poll_queue WHERE acked_at IS NOT NULL AND acked_at < ?');

  return {
    enqueue(streamId, jti, kid, token, at) {
      writes.write(() => insert.run(streamId, jti, kid, token, at));
    },
    acknowledge(streamId, jtis, at) {
      if (jtis.length === 0) return;
      writes.write(() => {
        for (const jti of jtis) ack.run(at, streamId, jti);
      });
    },
    peek(streamId, max) {
      const rows = select.all(streamId, max + 1);
      return { sets: rows.slice(0, max), more: rows.length > max };
    },
    purgeAcknowledged(before) {
      return writes.write(() => purge.run(before).changes);
    },
  };
}
