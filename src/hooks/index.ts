/**
 * Session revocation hooks (issue 14): the durable outbox every event that matters downstream is
 * appended to, in the same write as its cause (./hook-events.ts), the subscribers and the worker
 * that delivers to them; ./server-hooks.ts puts them together as the server runs them.
 */
export { createEventRecorder, hookRevokeReason, hookUser, type EventRecorder } from './event-recorder.js';
export { createSqliteOutbox, newEventId, OutboxOutsideWrite } from './sqlite/outbox.js';
export { createSubscriberEnrolment, type EnrolSubscriber } from './sqlite/subscriber-enrolment.js';
export { createHookEvents, type HookEvents, type HookEventsOptions } from './hook-events.js';
export { DEFAULT_DELIVERY } from './delivery-policy.js';
export { startDeliveryWorker, type DeliveryWorker, type DeliveryWorkerOptions, type WorkerLog } from './delivery-worker.js';
export type { DeliveryPolicy, HookSubscriber, SendOutcome, SubscriberSource } from './subscriber.js';
export { sourcesMayAccept } from './subscriber.js';
export { createWebhookSource, type WebhookSource } from './webhooks/webhook-source.js';
export { createWebhookSubscriber, webhookSubscriberId } from './webhooks/webhook-subscriber.js';
export { createPostThread, type PostThread } from './webhooks/post-thread.js';
export { signWebhook } from './webhooks/signature.js';
export { webhookPayload, type WebhookPayload } from './webhooks/payload.js';
export { createHookAdmin, type AttemptStatus, type DeliveryQuery, type DeliveryState, type DeliveryStatus, type HookAdmin, type SubscriberStatus } from './sqlite/delivery-admin.js';
export { webhookChanges, type WebhookChanges } from './webhooks/webhook-changes.js';
export { startServerHooks, type ServerHooks, type ServerHooksOptions } from './server-hooks.js';
