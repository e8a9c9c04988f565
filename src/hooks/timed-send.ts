/**
 * One send to a subscriber, bounded by its timeout: the subscriber gets an abort signal, and a
 * subscriber that ignores it still cannot hold the line past the timeout (the outcome is then a
 * retryable failure). Any throw is a retryable failure too: the worker never sees an exception.
 * `inFlight` holds the send's controller while it runs, so the worker can abort every send at stop.
 */
import type { HookEvent } from '../persistence/outbox.js';
import type { HookSubscriber, SendOutcome } from './subscriber.js';

export async function timedSend(subscriber: HookSubscriber, event: HookEvent, timeoutMs: number, inFlight: Set<AbortController>): Promise<SendOutcome> {
  const controller = new AbortController();
  inFlight.add(controller);
  let timeout: NodeJS.Timeout | undefined;
  const expired = new Promise<SendOutcome>((resolve) => {
    timeout = setTimeout(() => {
      controller.abort(new Error(`no answer within ${timeoutMs} ms`));
      resolve({ ok: false, retryable: true, reason: `timeout after ${timeoutMs} ms` });
    }, timeoutMs);
    controller.signal.addEventListener('abort', () => resolve({ ok: false, retryable: true, reason: describe(controller.signal.reason) }), { once: true });
  });
  try {
    return await Promise.race([
      subscriber.send(event, controller.signal).catch((error: unknown): SendOutcome => ({ ok: false, retryable: true, reason: describe(error) })),
      expired,
    ]);
  } finally {
    clearTimeout(timeout);
    inFlight.delete(controller);
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
