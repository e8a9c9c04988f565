/**
 * A hook event as a webhook's JSON body, in the shape the Standard Webhooks specification
 * recommends: `type`, `timestamp` (when it happened) and `data`. The event id travels in the
 * webhook-id header and in `data.id`; `data.seq` is the commit order. openapi.yaml (`webhooks:`)
 * documents each type's body; keep the two in step.
 */
import type { HookEvent } from '../../persistence/outbox.js';

export interface WebhookPayload {
  type: HookEvent['type'];
  timestamp: string;
  data: Omit<HookEvent, 'type' | 'occurredAt'>;
}

export function webhookPayload(event: HookEvent): WebhookPayload {
  const { type, occurredAt, ...data } = event;
  return { type, timestamp: occurredAt, data };
}
