// The loopback webhook receiver the hooks' tests rely on: it must accept only genuine Standard
// Webhooks deliveries, and each of its failure modes must look to a sender like the real thing.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

const secret = () => `whsec_${randomBytes(24).toString('base64')}`;
const receivers: WebhookReceiver[] = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close();
});

async function receiver(options: Parameters<typeof startWebhookReceiver>[0]) {
  const r = await startWebhookReceiver(options);
  receivers.push(r);
  return r;
}

function send(url: string, key: string, id: string, body: unknown, signal?: AbortSignal) {
  const raw = JSON.stringify(body);
  const at = new Date();
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(key).sign(id, at, raw),
    },
    body: raw,
    ...(signal ? { signal } : {}),
  });
}

describe('webhook receiver (test support)', () => {
  it('accepts a genuine delivery, records it in order, and rejects a wrong signature', async () => {
    const key = secret();
    const r = await receiver({ secrets: [key] });
    expect((await send(r.url, key, 'evt_1', { n: 1 })).status).toBe(204);
    expect((await send(r.url, secret(), 'evt_2', { n: 2 })).status).toBe(401);
    expect((await send(r.url, key, 'evt_1', { n: 1 })).status).toBe(204);
    await r.until(2);
    expect(r.deliveries.map((d) => [d.id, d.body])).toEqual([['evt_1', { n: 1 }], ['evt_1', { n: 1 }]]);
    expect(r.uniqueIds()).toEqual(['evt_1']);
    expect(r.duplicateIds()).toEqual(['evt_1']);
    expect(r.attempts.map((a) => a.outcome)).toEqual(['accepted', 'rejected-signature', 'accepted']);
  });

  it('either of two secrets verifies (rotation)', async () => {
    const [oldKey, newKey] = [secret(), secret()];
    const r = await receiver({ secrets: [oldKey, newKey] });
    expect((await send(r.url, oldKey, 'evt_a', {})).status).toBe(204);
    expect((await send(r.url, newKey, 'evt_b', {})).status).toBe(204);
    expect(r.uniqueIds()).toEqual(['evt_a', 'evt_b']);
  });

  it('refuse: connections are refused until it is up again, on the same port', async () => {
    const key = secret();
    const r = await receiver({ secrets: [key], mode: { kind: 'refuse' } });
    await expect(send(r.url, key, 'evt_1', {})).rejects.toMatchObject({ cause: { code: 'ECONNREFUSED' } });
    await r.setMode({ kind: 'up' });
    expect((await send(r.url, key, 'evt_1', {})).status).toBe(204);
    await r.setMode({ kind: 'refuse' });
    await expect(send(r.url, key, 'evt_2', {})).rejects.toMatchObject({ cause: { code: 'ECONNREFUSED' } });
    expect(r.uniqueIds()).toEqual(['evt_1']);
  });

  it('unavailable: 503 with Retry-After, nothing recorded as delivered', async () => {
    const key = secret();
    const r = await receiver({ secrets: [key], mode: { kind: 'unavailable', retryAfterSeconds: 7 } });
    const res = await send(r.url, key, 'evt_1', {});
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(r.deliveries).toHaveLength(0);
    expect(r.attempts).toEqual([{ id: 'evt_1', outcome: 'answered-503' }]);
  });

  it('hang: the request is read and never answered; the sender gives up by its own abort', async () => {
    const key = secret();
    const r = await receiver({ secrets: [key], mode: { kind: 'hang' } });
    const abort = new AbortController();
    const pending = send(r.url, key, 'evt_1', {}, abort.signal);
    // The receiver has the request before the sender gives up (no clock involved).
    while (r.attempts.length === 0) await new Promise((resolve) => setImmediate(resolve));
    abort.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await r.setMode({ kind: 'up' });
    expect((await send(r.url, key, 'evt_1', {})).status).toBe(204);
    expect(r.attempts.map((a) => a.outcome)).toEqual(['hung', 'accepted']);
  });

  it('slow: answers 2xx after its delay', async () => {
    const key = secret();
    const r = await receiver({ secrets: [key], mode: { kind: 'slow', delayMs: 20 } });
    expect((await send(r.url, key, 'evt_1', {})).status).toBe(204);
    await r.until(1);
    expect(r.uniqueIds()).toEqual(['evt_1']);
  });
});
