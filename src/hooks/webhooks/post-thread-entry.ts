/**
 * The webhook sender thread's side (started by ./post-thread.ts): each message is one POST, made
 * with ./http-post.ts's client and its keep-alive pools, answered with its status and Retry-After
 * or with why it failed; an abort message cuts that POST off (its socket is destroyed).
 */
import { parentPort } from 'node:worker_threads';
import { postWebhook } from './http-post.js';
import type { FromPostThread, ToPostThread } from './post-thread.js';

const port = parentPort;
if (!port) throw new Error('post-thread-entry runs only as a worker thread (see post-thread.ts)');

const inFlight = new Map<number, AbortController>();

port.on('message', (message: ToPostThread) => {
  if (message.kind === 'abort') {
    inFlight.get(message.id)?.abort(new Error(message.reason));
    return;
  }
  const { id } = message;
  const controller = new AbortController();
  inFlight.set(id, controller);
  postWebhook(new URL(message.url), message.headers, message.body, controller.signal).then(
    (answer) => reply({ id, status: answer.status, retryAfter: answer.retryAfter }),
    (error: unknown) => reply({ id, error: error instanceof Error ? error.message : String(error) }),
  );
});

function reply(answer: FromPostThread): void {
  inFlight.delete(answer.id);
  port?.postMessage(answer);
}
