// A webhook receiver on loopback for the hooks' tests and bench: every request is verified with
// the `standardwebhooks` package (an implementation that is not ours) against the secrets it is
// given (any one may match: secret rotation), and recorded — webhook-id, timestamp, body, in the
// order received. It can be told to be down (connections refused, or answers 503), to hang (accept
// the request, never answer), or to be slow (answer after a delay), and back up again.
//
// Waiting is by count, never by time: `until(n)` resolves when n verified deliveries were
// accepted (tests bound the wait with vitest's own timeout).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  /** webhook-id: the event's stable id (the same on every retry). */
  id: string;
  /** webhook-timestamp, seconds. */
  timestamp: number;
  /** The verified, parsed JSON body. */
  body: unknown;
  /** The raw body as sent. */
  raw: string;
  /** process.hrtime.bigint() when the body had arrived (for latency figures; never asserted on). */
  receivedAt: bigint;
}

export interface ReceiverAttempt {
  id: string | undefined;
  /** What the receiver did with it. */
  outcome: 'accepted' | 'rejected-signature' | 'answered-503' | 'hung' | 'bad-request';
  /** Why verification failed, for rejected-signature. */
  detail?: string;
}

export type ReceiverMode =
  | { kind: 'up'; status?: number }
  /** Not listening: connections are refused (the port is kept and listened on again by `up`). */
  | { kind: 'refuse' }
  /** Listening, answering 503 (with Retry-After when given, in seconds). */
  | { kind: 'unavailable'; retryAfterSeconds?: number }
  /** Reads the request and never answers, until the mode changes or the receiver closes. */
  | { kind: 'hang' }
  /** Answers 2xx after `delayMs`. */
  | { kind: 'slow'; delayMs: number };

export interface WebhookReceiver {
  /** e.g. http://127.0.0.1:PORT/hooks */
  url: string;
  port: number;
  /** Verified deliveries answered 2xx, in the order received (duplicates included). */
  readonly deliveries: readonly ReceivedWebhook[];
  /** Every request that reached the receiver, whatever became of it. */
  readonly attempts: readonly ReceiverAttempt[];
  /** Resolves when at least `count` deliveries were accepted. */
  until(count: number): Promise<void>;
  /** Resolves when `predicate` holds for the deliveries (checked at each new one). */
  untilDeliveries(predicate: (deliveries: readonly ReceivedWebhook[]) => boolean): Promise<void>;
  /** Changes how the next requests are treated; `refuse` stops listening, leaving `refuse` listens again. */
  setMode(mode: ReceiverMode): Promise<void>;
  /** Distinct ids in order of first receipt. */
  uniqueIds(): string[];
  /** Ids received more than once (a duplicate must carry the same id: at-least-once). */
  duplicateIds(): string[];
  close(): Promise<void>;
}

export interface ReceiverOptions {
  /** `whsec_…` secrets; a request is genuine if it verifies against any of them. */
  secrets: readonly string[];
  path?: string;
  mode?: ReceiverMode;
  /** Fixed port (default: an ephemeral one). */
  port?: number;
  /** Asked as each request arrives (by its webhook-id): a mode for this request alone (not `refuse`: it has connected), or undefined for the current mode. */
  decide?: (id: string | undefined) => ReceiverMode | undefined;
}

export async function startWebhookReceiver(options: ReceiverOptions): Promise<WebhookReceiver> {
  const path = options.path ?? '/hooks';
  const verifiers = options.secrets.map((secret) => new Webhook(secret));
  if (verifiers.length === 0) throw new Error('a webhook receiver needs at least one secret');
  const deliveries: ReceivedWebhook[] = [];
  const attempts: ReceiverAttempt[] = [];
  const waiters = new Set<{ check: () => boolean; resolve: () => void }>();
  const sockets = new Set<Socket>();
  const hung = new Set<ServerResponse>();
  let mode: ReceiverMode = options.mode ?? { kind: 'up' };

  const notify = () => {
    for (const waiter of waiters) {
      if (waiter.check()) {
        waiters.delete(waiter);
        waiter.resolve();
      }
    }
  };

  const verify = (raw: string, headers: Record<string, string>): { ok: true; body: unknown } | { ok: false; detail: string } => {
    let detail = 'no secret matched';
    for (const verifier of verifiers) {
      try {
        return { ok: true, body: verifier.verify(raw, headers) };
      } catch (error) {
        detail = (error as Error).message;
      }
    }
    return { ok: false, detail };
  };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const receivedAt = process.hrtime.bigint();
    const headers: Record<string, string> = {};
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const id = headers['webhook-id'];
    if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://x').pathname !== path) {
      attempts.push({ id, outcome: 'bad-request', detail: `${req.method} ${req.url}` });
      res.writeHead(404).end();
      return;
    }
    const current = options.decide?.(id) ?? mode;
    if (current.kind === 'unavailable') {
      attempts.push({ id, outcome: 'answered-503' });
      res.writeHead(503, current.retryAfterSeconds === undefined ? {} : { 'retry-after': String(current.retryAfterSeconds) }).end();
      return;
    }
    if (current.kind === 'hang') {
      attempts.push({ id, outcome: 'hung' });
      hung.add(res);
      res.on('close', () => hung.delete(res));
      return;
    }
    const verified = verify(raw, headers);
    if (!verified.ok || id === undefined) {
      attempts.push({ id, outcome: 'rejected-signature', detail: verified.ok ? 'no webhook-id' : verified.detail });
      res.writeHead(401).end();
      return;
    }
    const answer = () => {
      attempts.push({ id, outcome: 'accepted' });
      deliveries.push({ id, timestamp: Number(headers['webhook-timestamp']), body: verified.body, raw, receivedAt });
      res.writeHead(current.kind === 'up' ? (current.status ?? 204) : 204).end();
      notify();
    };
    if (current.kind === 'slow') setTimeout(answer, current.delayMs);
    else answer();
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.keepAliveTimeout = 1000;

  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const stopListening = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      // Open keep-alive connections would still reach us: end them, so the sender sees us gone.
      for (const socket of sockets) socket.destroy();
    });
  const releaseHung = () => {
    for (const res of hung) res.destroy();
    hung.clear();
  };

  const port = mode.kind === 'refuse' ? await listen(options.port ?? 0).then(async (p) => (await stopListening(), p)) : await listen(options.port ?? 0);

  const wait = (check: () => boolean) =>
    check()
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          waiters.add({ check, resolve });
        });

  return {
    url: `http://127.0.0.1:${port}${path}`,
    port,
    deliveries,
    attempts,
    until: (count) => wait(() => deliveries.length >= count),
    untilDeliveries: (predicate) => wait(() => predicate(deliveries)),
    async setMode(next) {
      const previous = mode;
      mode = next;
      if (previous.kind === 'hang' && next.kind !== 'hang') releaseHung();
      if (next.kind === 'refuse') await stopListening();
      else if (!server.listening) await listen(port);
    },
    uniqueIds() {
      return [...new Set(deliveries.map((d) => d.id))];
    },
    duplicateIds() {
      const seen = new Set<string>();
      const twice = new Set<string>();
      for (const { id } of deliveries) (seen.has(id) ? twice : seen).add(id);
      return [...twice];
    },
    async close() {
      releaseHung();
      await stopListening();
      waiters.clear();
    },
  };
}
