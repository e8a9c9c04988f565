/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com/): the signed content is
 * "<webhook-id>.<webhook-timestamp>.<body>", signed with HMAC-SHA256 under each secret, sent as
 * "v1,<base64>" — space-separated when two secrets are valid at once (rotation), so a receiver
 * holding either one verifies.
 */
import { createHmac } from 'node:crypto';
import { parseWebhookSecret } from '../../shared/webhook-secret.js';

/** The keys of `whsec_` secrets; throws for one the configuration should have refused. */
export function webhookKeys(secrets: readonly string[]): Buffer[] {
  return secrets.map((secret) => {
    const parsed = parseWebhookSecret(secret);
    if ('error' in parsed) throw new Error(`webhook secret ${parsed.error}`);
    return parsed.key;
  });
}

/** The webhook-signature header value for one message. */
export function signWebhook(keys: readonly Buffer[], id: string, timestampSeconds: number, body: string): string {
  const content = `${id}.${timestampSeconds}.${body}`;
  return keys.map((key) => `v1,${createHmac('sha256', key).update(content).digest('base64')}`).join(' ');
}
