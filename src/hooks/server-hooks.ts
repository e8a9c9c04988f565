/**
 * The hooks as `scimgate serve` runs them (src/main.ts): the outbox and the recorder that feeds
 * it, the subscriber sources (webhooks from the config, SSF streams once the transmitter joins,
 * any other the caller adds), the webhook sender thread and the delivery worker — started
 * together, reconfigured together on a reload, stopped together before the store closes.
 */
import type { HooksConfig } from '../config/types.js';
import type { ChangedUser } from '../persistence/directory.js';
import type { HookEventType } from '../persistence/outbox.js';
import type { Store } from '../store/index.js';
import { startDeliveryWorker, type DeliveryWorker, type WorkerLog } from './delivery-worker.js';
import { createHookEvents, type HookEvents } from './hook-events.js';
import { sourcesMayAccept, type SubscriberSource } from './subscriber.js';
import { createPostThread } from './webhooks/post-thread.js';
import { createWebhookSource } from './webhooks/webhook-source.js';

export interface ServerHooksOptions {
  store: Pick<Store, 'sqlite' | 'writes'>;
  config: HooksConfig;
  log: WorkerLog;
  /** The user a session belongs to, for session events (the directory's, read inside the write). */
  userById(id: string): ChangedUser | undefined;
  /** More subscribers beside the webhooks and SSF streams (tests). */
  sources?: readonly SubscriberSource[];
}

export interface ServerHooks extends HookEvents {
  /** Whether a subscriber may take an event of this type now: costly events are worked out only then. */
  mayAccept(type: HookEventType): boolean;
  /** SSF streams join once the transmitter is built (when ssf.enabled). */
  joinSsf(source: SubscriberSource): void;
  /** A reload's hooks section: the new webhooks, poll interval and retention, acted on at once. */
  reconfigure(config: HooksConfig): void;
  /** In-flight sends aborted, this process's leases given up, the sender thread ended. */
  stop(): Promise<void>;
}

export function startServerHooks(options: ServerHooksOptions): ServerHooks {
  const { store, log } = options;
  let { pollIntervalMs, retentionMs } = options.config;
  let ssf: SubscriberSource | undefined;
  let worker: DeliveryWorker | undefined;
  // Webhook POSTs leave from a thread of their own (./webhooks/post-thread.ts), started at the first one.
  const posts = createPostThread({
    onFailure: (reason) => log.warn({ reason }, 'the webhook sender thread stopped; its sends are retried and the next one starts a new thread'),
  });
  const webhooks = createWebhookSource(options.config.webhooks, { post: posts.post });
  const sources: SubscriberSource[] = [
    webhooks,
    { subscribers: () => ssf?.subscribers() ?? [], mayAccept: (type) => ssf?.mayAccept?.(type) ?? false },
    ...(options.sources ?? []),
  ];
  // Appended inside the write that causes them; the worker wakes once such a write has committed.
  const events = createHookEvents(store, { onAppend: () => worker?.wake(), userById: options.userById });
  worker = startDeliveryWorker({
    store,
    outbox: events.outbox,
    sources,
    pollIntervalMs: () => pollIntervalMs,
    retentionMs: () => retentionMs,
    log,
  });
  return {
    ...events,
    mayAccept: (type) => sourcesMayAccept(sources, type),
    joinSsf(source) {
      ssf = source;
    },
    reconfigure(config) {
      webhooks.replace(config.webhooks);
      ({ pollIntervalMs, retentionMs } = config);
      worker?.wake();
    },
    async stop() {
      await worker?.stop();
      await posts.stop();
    },
  };
}
