/**
 * Session revocation hooks (issue 14): the durable outbox every event that matters downstream is
 * appended to, in the same write as its cause, and the parts that feed it. Everything that builds
 * the directory, the session store or the token service for a process that writes (the server,
 * the CLI) wires them through `createHookEvents`, so no writer can forget its events.
 */
import type { ChangedUser } from '../persistence/directory.js';
import type { Outbox } from '../persistence/outbox.js';
import type { Store } from '../store/index.js';
import { createEventRecorder, type EventRecorder } from './event-recorder.js';
import { createSqliteOutbox } from './sqlite/outbox.js';

export { createEventRecorder, hookRevokeReason, hookUser, type EventRecorder } from './event-recorder.js';
export { createSqliteOutbox, newEventId, OutboxOutsideWrite } from './sqlite/outbox.js';
export { createSubscriberEnrolment, type EnrolSubscriber } from './sqlite/subscriber-enrolment.js';

export interface HookEvents extends EventRecorder {
  outbox: Outbox;
}

export interface HookEventsOptions {
  /** The user a session belongs to (for session events); the server passes the directory's. */
  userById?: (id: string) => ChangedUser | undefined;
  /** Told after each append (inside its write): the delivery worker wakes once it has committed. */
  onAppend?: () => void;
  now?: () => Date;
}

export function createHookEvents(store: Pick<Store, 'sqlite' | 'writes'>, options: HookEventsOptions = {}): HookEvents {
  const outbox = createSqliteOutbox(store, {
    ...(options.onAppend ? { onAppend: options.onAppend } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const recorder = createEventRecorder({ outbox, userById: options.userById ?? (() => undefined) });
  return { outbox, ...recorder };
}
export { startDeliveryWorker, DEFAULT_DELIVERY, type DeliveryWorker, type DeliveryWorkerOptions, type WorkerLog } from './delivery-worker.js';
export type { DeliveryPolicy, HookSubscriber, SendOutcome, SubscriberSource } from './subscriber.js';
export { sourcesMayAccept } from './subscriber.js';
export { createWebhookSource, type WebhookSource } from './webhooks/webhook-source.js';
export { createWebhookSubscriber, webhookSubscriberId } from './webhooks/webhook-subscriber.js';
export { createPostThread, type PostThread } from './webhooks/post-thread.js';
export { signWebhook } from './webhooks/signature.js';
export { webhookPayload, type WebhookPayload } from './webhooks/payload.js';
export { createHookAdmin, type AttemptStatus, type DeliveryQuery, type DeliveryState, type DeliveryStatus, type HookAdmin, type SubscriberStatus } from './sqlite/delivery-admin.js';
export { webhookChanges, type WebhookChanges } from './webhooks/webhook-changes.js';
