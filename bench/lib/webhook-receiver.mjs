/**
 * A webhook receiver for the hooks scenarios, in the bench process: verifies every delivery with
 * the `standardwebhooks` package (not our implementation), records id, parsed body and the
 * moment it arrived, and can refuse connections (`down`), hang (read the request, never answer),
 * or answer at once (`up`). The tests' fuller receiver is test/support/webhook-receiver.ts; this
 * one is plain JavaScript because the bench runs without a TypeScript loader.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';

export const newWebhookSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

/**
 * @param {{ secret: string, mode?: 'up' | 'down' | 'hang' }} options
 */
export async function startReceiver({ secret, mode: initial = 'up' }) {
  const verifier = new Webhook(secret);
  /** @type {{ id: string, body: any, at: number }[]} at: performance.now() in this process */
  const deliveries = [];
  let rejected = 0;
  let hung = 0;
  let mode = initial;
  const sockets = new Set();
  const waiting = new Set();
  const waiters = new Set();
  const notify = () => {
    for (const w of waiters) if (w.check()) (waiters.delete(w), w.resolve());
  };

  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (mode === 'hang') {
        hung++;
        waiting.add(res);
        res.on('close', () => waiting.delete(res));
        return;
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      const at = performance.now();
      let body;
      try {
        body = verifier.verify(raw, {
          'webhook-id': String(req.headers['webhook-id']),
          'webhook-timestamp': String(req.headers['webhook-timestamp']),
          'webhook-signature': String(req.headers['webhook-signature']),
        });
      } catch {
        rejected++;
        res.writeHead(401).end();
        return;
      }
      deliveries.push({ id: String(req.headers['webhook-id']), body, at });
      res.writeHead(204).end();
      notify();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const listen = (port) =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve(server.address().port);
      });
    });
  const unlisten = () =>
    new Promise((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
  let port = await listen(0);
  if (mode === 'down') await unlisten();

  return {
    url: `http://127.0.0.1:${port}/hooks`,
    deliveries,
    stats: () => ({ delivered: deliveries.length, rejected, hung }),
    /** Resolves once `check(deliveries)` holds (checked at each delivery). */
    until(check) {
      return check(deliveries) ? Promise.resolve() : new Promise((resolve) => waiters.add({ check: () => check(deliveries), resolve }));
    },
    async setMode(next) {
      const before = mode;
      mode = next;
      if (before === 'hang' && next !== 'hang') for (const res of waiting) res.destroy();
      if (next === 'down') await unlisten();
      else if (!server.listening) port = await listen(port);
    },
    async close() {
      for (const res of waiting) res.destroy();
      await unlisten();
    },
  };
}
