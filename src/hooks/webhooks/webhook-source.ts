/**
 * The configured webhooks as a subscriber source: replaced as a whole on a config reload, so the
 * worker's next cycle delivers to the new list (a webhook kept under its name keeps its cursor:
 * the database keys it by 'webhook:<name>').
 */
import type { WebhookConfig } from '../../config/types.js';
import type { HookSubscriber, SubscriberSource } from '../subscriber.js';
import { createWebhookSubscriber, type WebhookDeps } from './webhook-subscriber.js';

export interface WebhookSource extends SubscriberSource {
  replace(webhooks: readonly WebhookConfig[]): void;
}

export function createWebhookSource(initial: readonly WebhookConfig[], deps: WebhookDeps = {}): WebhookSource {
  let current: readonly HookSubscriber[] = [];
  let configs: readonly WebhookConfig[] = [];
  const replace = (webhooks: readonly WebhookConfig[]) => {
    current = webhooks.map((config) => createWebhookSubscriber(config, deps));
    configs = webhooks;
  };
  replace(initial);
  return {
    subscribers: () => current,
    // From the config, so a reload changes the answer at once (before the worker enrols the new webhook).
    mayAccept: (type) => configs.some((config) => config.events === undefined || config.events.includes(type)),
    replace,
  };
}
