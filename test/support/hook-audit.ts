// Reads a webhook receiver's record the way issue 14's reliability acceptance counts it: events
// lost (a committed deactivation never delivered), order kept (the sequence never goes back: a
// retry repeats the event it is on before any later one), and duplicates — allowed only as the
// same event under the same webhook-id (at-least-once).
import type { ReceivedWebhook } from './webhook-receiver.js';

/** A webhook body (Standard Webhooks' `{ type, timestamp, data }`, docs/hooks.md) as the parts counted here. */
export interface DeliveredEvent {
  webhookId: string;
  id: string;
  seq: number;
  type: string;
  userId: string | undefined;
}

export function deliveredEvent(delivery: ReceivedWebhook): DeliveredEvent {
  const body = delivery.body as { type: string; data: { id: string; seq: number; user?: { id: string } } };
  return { webhookId: delivery.id, id: body.data.id, seq: body.data.seq, type: body.type, userId: body.data.user?.id };
}

export interface HookAudit {
  /** Users whose deactivation committed but never arrived. */
  lost: string[];
  /** Deliveries whose seq is lower than one delivered before it. */
  orderViolations: number;
  /** Repeated deliveries of one event (same id): allowed. */
  duplicates: number;
  /** The same event under another id, or a header id that is not the event's: never allowed. */
  duplicatesUnderAnotherId: number;
}

export function auditDeliveries(deliveries: readonly ReceivedWebhook[], deactivatedUserIds: Iterable<string>): HookAudit {
  const events = deliveries.map(deliveredEvent);
  const firstById = new Map<string, DeliveredEvent>();
  const idBySeq = new Map<number, string>();
  let orderViolations = 0;
  let duplicates = 0;
  let duplicatesUnderAnotherId = 0;
  let lastSeq = Number.NEGATIVE_INFINITY;
  for (const event of events) {
    if (event.webhookId !== event.id) duplicatesUnderAnotherId++;
    if (event.seq < lastSeq) orderViolations++;
    lastSeq = Math.max(lastSeq, event.seq);
    const first = firstById.get(event.id);
    if (first) {
      duplicates++;
      if (first.seq !== event.seq) duplicatesUnderAnotherId++;
    } else firstById.set(event.id, event);
    const seqId = idBySeq.get(event.seq);
    if (seqId === undefined) idBySeq.set(event.seq, event.id);
    else if (seqId !== event.id) duplicatesUnderAnotherId++;
  }
  const deactivated = new Set(events.filter((e) => e.type === 'user.deactivated').map((e) => e.userId));
  const lost = [...deactivatedUserIds].filter((id) => !deactivated.has(id));
  return { lost, orderViolations, duplicates, duplicatesUnderAnotherId };
}

/** True once every one of `userIds` has a delivered user.deactivated. */
export function allDeactivationsDelivered(deliveries: readonly ReceivedWebhook[], userIds: readonly string[]): boolean {
  const seen = new Set(deliveries.map(deliveredEvent).filter((e) => e.type === 'user.deactivated').map((e) => e.userId));
  return userIds.every((id) => seen.has(id));
}
