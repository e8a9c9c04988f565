/**
 * Whether the request thread is saturated, so that the delivery worker (./delivery-worker.ts),
 * which runs on it, gives way to requests: deliveries are background work, and the issue asks
 * that hooks cost SCIM writes no more than a tenth of their throughput.
 *
 * Why: the worker's share of the request thread grows with what it delivers — each send still
 * costs that thread its payload, signature and bookkeeping — while under a flood of SCIM writes
 * every one of them appends events for every subscriber. When the thread has no slack, a worker
 * that kept up would take it from the requests (bench/README.md, issue 14). So when the event
 * loop was busy for most of the last window, each subscriber's next send waits a moment; with
 * slack, sends go at once, and a backlog built under load drains as soon as the load eases.
 * Nothing is lost or reordered by waiting: the events are in the outbox.
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
