/**
 * Whether the request thread is saturated, so that the delivery worker (./delivery-worker.ts),
 * which runs on it, gives way to requests: deliveries are background work, and the issue asks
 * that hooks cost SCIM writes no more than a tenth of their throughput.
 *
 * Why: the worker's share of the request thread grows with what it delivers — each send still
 * costs that thread its payload, signature and bookkeeping — while under a flood of SCIM writes
 * every one of them appends events for every subscriber. When the thread has no slack, a worker
 * that kept up would take it from the requests (bench/README.md, issue 14). So when the event
 * loop was busy for most of the last window, sends are paced (`paceWhileSaturated`): at most one
 * every GIVE_WAY_MS across all subscribers, so what deliveries take from a saturated thread does
 * not grow with the number of subscribers. With slack, sends go at once, and a backlog built
 * under load drains as soon as the load eases. Nothing is lost or reordered by waiting: the
 * events are in the outbox.
 *
 * Measured with the event loop's own utilization (time not spent waiting for I/O), over windows
 * of WINDOW_MS, read at most once per window (a few µs).
 */
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/** Busier than this over the last window: the request thread is saturated. */
const SATURATED = 0.85;
const WINDOW_MS = 100;

export interface RequestThreadPressure {
  /** True while the request thread has been saturated over the last window. */
  saturated(): boolean;
}

export function watchRequestThread(now: () => number = () => performance.now()): RequestThreadPressure {
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  let lastAt = now();
  let saturated = false;
  return {
    saturated() {
      const at = now();
      if (at - lastAt < WINDOW_MS) return saturated;
      const current = performance.eventLoopUtilization();
      saturated = performance.eventLoopUtilization(current, last).utilization > SATURATED;
      last = current;
      lastAt = at;
      return saturated;
    },
  };
}

/** While the request thread is saturated, sends are at least this far apart, across all subscribers. */
export const GIVE_WAY_MS = 20;

export interface PaceOptions {
  gapMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * A function each send awaits first: at once while the thread has slack; while it is saturated,
 * until the next free slot, slots `gapMs` apart — the first a gap from now, each later one a gap
 * after the one before, whichever subscriber asked.
 */
export function paceWhileSaturated(pressure: RequestThreadPressure, options: PaceOptions = {}): () => Promise<void> {
  const gapMs = options.gapMs ?? GIVE_WAY_MS;
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let lastSlot = -Infinity;
  return async () => {
    if (!pressure.saturated()) return;
    const at = now();
    lastSlot = Math.max(at, lastSlot) + gapMs;
    await sleep(lastSlot - at);
  };
}
