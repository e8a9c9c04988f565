/**
 * What one subscriber's delivery step may do, from its delivery policy (its own settings over the
 * worker's defaults): how long each send may take, the lease that must outlive it, how many
 * attempts one write claims, and the retry plan (./backoff.ts) for its failures.
 */
import type { RetryPlan } from './backoff.js';
import type { DeliveryPolicy } from './subscriber.js';

export const DEFAULT_DELIVERY: Required<DeliveryPolicy> = {
  timeoutMs: 10_000,
  maxAgeMs: 24 * 60 * 60 * 1000,
  initialBackoffMs: 1_000,
  maxBackoffMs: 10 * 60 * 1000,
};

/** The lease outlives an attempt's send timeout by this much, so it never expires mid-send. */
const LEASE_MARGIN_MS = 5_000;
/**
 * At most this many attempts claimed for one subscriber in one write, when it is that far behind:
 * the claim and the outcomes each cost one write per batch instead of one per event.
 */
export const MAX_BATCH = 50;

export interface StepLimits {
  timeoutMs: number;
  plan: RetryPlan;
  /** How long the lease must run past the start of one send: its timeout plus a margin. */
  sendLeaseMs: number;
  /** How long the lease runs from a step (at least `sendLeaseMs`). */
  leaseMs: number;
  /** At most this many attempts claimed in one step. */
  maxBatch: number;
}

/** The limits of a step for a subscriber with this policy; `idleLeaseMs` is the least a lease runs. */
export function stepLimits(defaults: Required<DeliveryPolicy>, own: DeliveryPolicy | undefined, idleLeaseMs: number): StepLimits {
  const policy = { ...defaults, ...definedOnly(own) };
  const sendLeaseMs = policy.timeoutMs + LEASE_MARGIN_MS;
  const leaseMs = Math.max(idleLeaseMs, sendLeaseMs);
  return {
    timeoutMs: policy.timeoutMs,
    plan: { initialBackoffMs: policy.initialBackoffMs, maxBackoffMs: policy.maxBackoffMs, maxAgeMs: policy.maxAgeMs },
    sendLeaseMs,
    leaseMs,
    // With no room in the lease for a second send, claim one at a time.
    maxBatch: leaseMs > sendLeaseMs ? MAX_BATCH : 1,
  };
}

/** A subscriber's own settings, leaving out the ones it does not set (so they do not hide the defaults). */
function definedOnly(policy: DeliveryPolicy | undefined): DeliveryPolicy {
  const out: DeliveryPolicy = {};
  if (!policy) return out;
  for (const key of ['timeoutMs', 'maxAgeMs', 'initialBackoffMs', 'maxBackoffMs'] as const) {
    const value = policy[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
