/**
 * The webhooks' HTTP client: one POST, over node:http or node:https, on a keep-alive connection
 * per origin that the next event reuses. Nothing is followed (a redirect is an answer like any
 * other: a signed body must not land somewhere else); the answer's body is read and dropped, which
 * frees the connection.
 *
 * Where it runs: on the webhook sender thread (./post-thread-entry.ts, started by
 * ./post-thread.ts), not on the request thread, which only hands it URL, headers and body.
 * Why not `fetch`: undici's fetch (Request, Headers, web streams, AbortSignal plumbing) cost ~460
 * µs of CPU per POST on loopback against ~200 µs for this (bench/README.md, issue 14).
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface PostAnswer {
  status: number;
  /** The Retry-After header, if any. */
  retryAfter: string | undefined;
}

// Shared by every webhook (a reload makes new subscribers, not new pools); idle sockets do not keep
// the process alive.
const httpAgent = new HttpAgent({ keepAlive: true });
const httpsAgent = new HttpsAgent({ keepAlive: true });

/** POSTs `body` to `url`; rejects on a network error or when `signal` aborts (with its reason). */
export function postWebhook(url: URL, headers: Readonly<Record<string, string>>, body: string, signal: AbortSignal): Promise<PostAnswer> {
  return new Promise<PostAnswer>((resolve, reject) => {
    if (signal.aborted) {
      reject(reasonOf(signal));
      return;
    }
    const https = url.protocol === 'https:';
    const req = (https ? httpsRequest : httpRequest)(url, {
      method: 'POST',
      agent: https ? httpsAgent : httpAgent,
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    });
    const onAbort = () => req.destroy(reasonOf(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    const settle = () => signal.removeEventListener('abort', onAbort);
    req.once('error', (error) => {
      settle();
      reject(error);
    });
    req.once('response', (res: IncomingMessage) => {
      res.once('error', (error) => {
        settle();
        reject(error);
      });
      res.once('end', () => {
        settle();
        const retryAfter = res.headers['retry-after'];
        resolve({ status: res.statusCode ?? 0, retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined });
      });
      res.resume();
    });
    req.end(body);
  });
}

/** Why `signal` aborted, as an Error (what a POST rejects with, here and on the sender thread's seam). */
export function reasonOf(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(String(reason ?? 'aborted'));
}
