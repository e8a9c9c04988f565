/**
 * One configured webhook as a hook subscriber: its event filter, and one signed POST per event
 * (Standard Webhooks headers). Any 2xx is delivered; anything else — another status, a refused
 * connection, a timeout — is retried by the worker until the webhook's max age. Redirects are not
 * followed (a signed body must not land somewhere else). A 429 or 503's Retry-After is honoured.
 * Sent over ./http-post.ts (keep-alive connections), from the sender thread when the server passes
 * its `post` (./post-thread.ts), else from the calling thread.
 */
import type { WebhookConfig } from '../../config/types.js';
import type { HookEvent } from '../../persistence/outbox.js';
import type { HookSubscriber, SendOutcome } from '../subscriber.js';
import { postWebhook, type PostAnswer } from './http-post.js';
import { webhookPayload } from './payload.js';
import { signWebhook, webhookKeys } from './signature.js';

export interface WebhookDeps {
  /** How the signed POST goes out (default: ./http-post.ts on the calling thread; the server passes ./post-thread.ts's). */
  post?: (url: URL, headers: Readonly<Record<string, string>>, body: string, signal: AbortSignal) => Promise<PostAnswer>;
  /** Seconds since the epoch, for webhook-timestamp (default: the clock). */
  nowSeconds?: () => number;
}

const USER_AGENT = 'scimgate-webhooks/1';

export const webhookSubscriberId = (name: string): string => `webhook:${name}`;

export function createWebhookSubscriber(config: WebhookConfig, deps: WebhookDeps = {}): HookSubscriber {
  const post = deps.post ?? postWebhook;
  const url = new URL(config.url);
  const nowSeconds = deps.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  const keys = webhookKeys(config.secrets);
  const types = config.events ? new Set<string>(config.events) : undefined;
  return {
    id: webhookSubscriberId(config.name),
    accepts: (event: HookEvent) => types === undefined || types.has(event.type),
    delivery: { timeoutMs: config.timeoutMs, maxAgeMs: config.maxAgeMs, initialBackoffMs: config.initialBackoffMs, maxBackoffMs: config.maxBackoffMs },
    async send(event: HookEvent, signal: AbortSignal): Promise<SendOutcome> {
      const body = JSON.stringify(webhookPayload(event));
      const timestamp = nowSeconds();
      const answer = await post(
        url,
        {
          'content-type': 'application/json',
          'user-agent': USER_AGENT,
          'webhook-id': event.id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signWebhook(keys, event.id, timestamp, body),
        },
        body,
        signal,
      );
      if (answer.status >= 200 && answer.status < 300) return { ok: true };
      const retryAfterMs = retryAfter(answer.retryAfter);
      return { ok: false, retryable: true, reason: `HTTP ${answer.status}`, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    },
  };
}

/** Retry-After as seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
function retryAfter(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
