/**
 * When a failed delivery is tried again: exponential backoff with jitter, never past the
 * delivery's max age (the last try lands on it), and a receiver's Retry-After honoured within the
 * same bounds. Pure: the worker hands in the clock and the random source.
 */

export interface RetryPlan {
  initialBackoffMs: number;
  maxBackoffMs: number;
  maxAgeMs: number;
}

export type RetryDecision = { retryAt: number } | { dead: true };

/**
 * After failed attempt number `attempt` (1-based) at `now`, for a delivery whose max age counts
 * from `ageFrom`. Jitter draws each delay from [½d, d] ("equal jitter"): retries of many
 * subscribers that failed together spread out, and none comes sooner than half the plan.
 */
export function nextRetry(plan: RetryPlan, attempt: number, now: number, ageFrom: number, random: () => number, retryAfterMs?: number): RetryDecision {
  const deadline = ageFrom + plan.maxAgeMs;
  if (now >= deadline) return { dead: true };
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const planned = Math.min(plan.maxBackoffMs, plan.initialBackoffMs * 2 ** exponent);
  const jittered = planned / 2 + (planned / 2) * random();
  const wanted = retryAfterMs !== undefined && retryAfterMs > 0 ? Math.min(retryAfterMs, plan.maxBackoffMs) : jittered;
  return { retryAt: Math.min(now + Math.max(1, Math.round(wanted)), deadline) };
}
