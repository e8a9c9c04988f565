/**
 * Standard Webhooks signing secrets: "whsec_" followed by the key in base64, 24 to 64 bytes
 * (https://www.standardwebhooks.com/, "Signature scheme"). Parsed once by the configuration (to
 * refuse a bad one by its key) and by the webhook signer (src/hooks/webhooks/).
 */
const PREFIX = 'whsec_';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The key bytes, or a reason the text is not a usable secret. */
export function parseWebhookSecret(text: string): { key: Buffer } | { error: string } {
  if (!text.startsWith(PREFIX)) return { error: 'must start with "whsec_" (a Standard Webhooks secret)' };
  const body = text.slice(PREFIX.length);
  if (!BASE64.test(body) || body.length % 4 !== 0) return { error: 'must be "whsec_" followed by base64' };
  const key = Buffer.from(body, 'base64');
  if (key.length < 24 || key.length > 64) return { error: `must hold 24 to 64 bytes of key (has ${key.length})` };
  return { key };
}
