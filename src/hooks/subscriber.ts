/**
 * What the delivery worker (./delivery-worker.ts) delivers to: subscribers, each with its event
 * filter and its way of sending one event, from sources that may change while running (webhooks
 * from the YAML config, ./webhooks/; SSF streams from the database, src/ssf/). Shapes fixed for
 * issue 14 (notes: HOOKS-SPEC); `delivery` is an optional addition for per-subscriber tuning.
 */
import type { HookEvent, HookEventType } from '../persistence/outbox.js';

export type SendOutcome = { ok: true } | { ok: false; retryable: boolean; reason: string; retryAfterMs?: number };

/** How the worker treats one subscriber's failures; anything unset takes the worker's defaults. */
export interface DeliveryPolicy {
  /** One send's limit; the request is aborted then and counts as a retryable failure. */
  timeoutMs?: number;
  /** How long an event is retried, from when it happened (or was replayed or retried by an operator), before it is dead-lettered. */
  maxAgeMs?: number;
  /** The first retry's delay; each next one doubles, up to maxBackoffMs, each with jitter. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface HookSubscriber {
  /** Stable across restarts and processes: 'webhook:<name>', 'ssf:<streamId>'. Keys the cursor/lease rows. */
  id: string;
  accepts(event: HookEvent): boolean;
  /** One event, in seq order; the worker never sends the next one to this subscriber before this one is done (ok, or dead-lettered). */
  send(event: HookEvent, signal: AbortSignal): Promise<SendOutcome>;
  /** Optional tuning (timeouts, backoff, max age). */
  delivery?: DeliveryPolicy;
}

export interface SubscriberSource {
  /**
   * Asked on every worker cycle (one per group of SCIM writes), so it must be cheap: sources may
   * change (config reload, a stream created), and keep what they built while nothing did.
   */
  subscribers(): readonly HookSubscriber[];
  /**
   * Whether any subscriber this source has now could accept an event of this type; absent means
   * it could. Asked by writes before they work out an event that is costly to compute
   * (user.groups_changed): false lets them skip it. It must turn true no later than such a
   * subscriber is enrolled (at the outbox head, by the worker's next cycle), so it never misses an
   * event it would have been sent.
   */
  mayAccept?(type: HookEventType): boolean;
}

/** Whether a subscriber of any of these sources could accept an event of `type` (a source that cannot say counts as yes). */
export function sourcesMayAccept(sources: readonly SubscriberSource[], type: HookEventType): boolean {
  return sources.some((source) => {
    try {
      return source.mayAccept ? source.mayAccept(type) : true;
    } catch {
      return true;
    }
  });
}
