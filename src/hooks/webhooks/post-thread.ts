/**
 * Webhook POSTs on a thread of their own, so that the delivery worker costs the request thread
 * only what must stay there: the payload, its signature, and the bookkeeping in the database.
 *
 * Why: the delivery worker runs on the server's request thread, and on loopback each POST over
 * node:http (./http-post.ts: the request, the socket write, the answer's parsing) cost that thread
 * about as much CPU as the SCIM PATCH that caused the event — with two webhooks, twice over
 * (bench/README.md, issue 14). Here the request thread hands the thread the URL, headers and body
 * (one postMessage) and gets back the status and Retry-After; the thread does the HTTP with the
 * same client and keep-alive pools.
 *
 * The seam is ./http-post.ts's `postWebhook` (url, headers, body, signal → status, retryAfter), so
 * nothing else changes: the signal aborts the send on the thread too (the promise rejects at once
 * with the signal's reason), a failure on the thread rejects with its message. One thread per
 * process, started at the first POST; it keeps the process alive only while a POST is out. If it
 * dies, the POSTs it had reject (retried by the worker like any network error) and the next one
 * starts a new thread. `stop` rejects whatever is out and ends the thread.
 */
import { Worker } from 'node:worker_threads';
import { besideModule, threadEntryScript } from '../../shared/thread-entry.js';
import { reasonOf, type PostAnswer } from './http-post.js';

/** To the thread: one POST, or the abort of one. */
export type ToPostThread =
  | { kind: 'post'; id: number; url: string; headers: Readonly<Record<string, string>>; body: string }
  | { kind: 'abort'; id: number; reason: string };

/** From the thread: a POST's answer, or why it has none. */
export type FromPostThread = { id: number; status: number; retryAfter: string | undefined } | { id: number; error: string };

export interface PostThread {
  /** The same contract as ./http-post.ts's postWebhook, sent from the thread. */
  post(url: URL, headers: Readonly<Record<string, string>>, body: string, signal: AbortSignal): Promise<PostAnswer>;
  /** POSTs not yet answered (for tests). */
  pending(): number;
  /** Rejects the POSTs that are out and ends the thread; later POSTs reject at once. */
  stop(): Promise<void>;
}

export interface PostThreadOptions {
  /** The thread's module (default: ./post-thread-entry beside this one). */
  entry?: URL;
  /** Told when the thread died on its own (the next POST starts a new one). */
  onFailure?: (reason: string) => void;
}

interface Pending {
  resolve(answer: PostAnswer): void;
  reject(error: Error): void;
  /** Stops listening to the caller's signal. */
  settle(): void;
}

export function createPostThread(options: PostThreadOptions = {}): PostThread {
  const entry = options.entry ?? besideModule('post-thread-entry', import.meta.url);
  const pending = new Map<number, Pending>();
  let worker: Worker | undefined;
  let nextId = 1;
  let stopped = false;

  const take = (id: number): Pending | undefined => {
    const one = pending.get(id);
    if (!one) return undefined;
    pending.delete(id);
    one.settle();
    // Held only while a POST is out: an idle thread does not keep the process alive.
    if (pending.size === 0) worker?.unref();
    return one;
  };

  const failAll = (error: Error) => {
    for (const id of [...pending.keys()]) take(id)?.reject(error);
  };

  const start = (): Worker => {
    const w = new Worker(threadEntryScript(entry), { eval: true });
    w.unref();
    w.on('message', (reply: FromPostThread) => {
      const one = take(reply.id);
      if (!one) return; // aborted meanwhile: its caller has been answered already
      if ('error' in reply) one.reject(new Error(reply.error));
      else one.resolve({ status: reply.status, retryAfter: reply.retryAfter });
    });
    const gone = (reason: string) => {
      if (worker !== w) return;
      worker = undefined;
      if (!stopped) options.onFailure?.(reason);
      failAll(new Error(`the webhook sender thread failed (${reason})`));
    };
    w.on('error', (error) => gone(error instanceof Error ? error.message : String(error)));
    w.on('exit', (code) => gone(`exited with code ${code}`));
    return w;
  };

  return {
    post(url, headers, body, signal) {
      if (stopped) return Promise.reject(new Error('scimgate is stopping'));
      if (signal.aborted) return Promise.reject(reasonOf(signal));
      const id = nextId++;
      return new Promise<PostAnswer>((resolve, reject) => {
        const onAbort = () => {
          if (!take(id)) return;
          worker?.postMessage({ kind: 'abort', id, reason: reasonOf(signal).message } satisfies ToPostThread);
          reject(reasonOf(signal));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        pending.set(id, { resolve, reject, settle: () => signal.removeEventListener('abort', onAbort) });
        const w = (worker ??= start());
        w.ref();
        w.postMessage({ kind: 'post', id, url: url.href, headers, body } satisfies ToPostThread);
      });
    },
    pending: () => pending.size,
    async stop() {
      if (stopped) return;
      stopped = true;
      failAll(new Error('scimgate is stopping'));
      const w = worker;
      worker = undefined;
      if (w) await w.terminate();
    },
  };
}
