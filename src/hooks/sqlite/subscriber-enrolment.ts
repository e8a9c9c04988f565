/**
 * Enrols a subscriber at the outbox head inside the caller's write. The delivery worker enrols a
 * subscriber it has not met when it first sees it, which may be a poll interval after the
 * subscriber came to be: a receiver that creates an SSF stream and at once deprovisions a user
 * would find that event already behind the cursor. A subscriber created by a request is therefore
 * enrolled in the same write that creates it, and gets every event committed after it.
 */
import type { Outbox } from '../../persistence/outbox.js';
import type { Store } from '../../store/index.js';

export type EnrolSubscriber = (subscriberId: string) => void;

export function createSubscriberEnrolment(store: Pick<Store, 'sqlite' | 'writes'>, outbox: Outbox, now: () => number = Date.now): EnrolSubscriber {
  const enrol = store.sqlite.prepare<{ id: string; head: number; now: number }>(
    `INSERT INTO hook_subscribers (id, cursor, lease_until, first_seen_at, last_seen_at) VALUES (@id, @head, 0, @now, @now)
     ON CONFLICT (id) DO NOTHING`,
  );
  return (subscriberId) => {
    store.writes.write(() => enrol.run({ id: subscriberId, head: outbox.head(), now: now() }));
  };
}
