/**
 * Answers requests in batches, one per turn of the event loop: the requests node reads from the
 * sockets that were ready in one poll phase are handled together in the check phase that follows
 * (setImmediate), one after another, in the order they were read.
 *
 * Why: on 2 shared cores, the code and data a request touches go cold between one request and the
 * next, and each hot request looked at the database's commit state (src/store/commit-watch.ts, one
 * pread) on its own. Handled together, the requests of a batch share that look — it is taken at
 * most once per synchronous run — and run with warm caches, which cut the CPU of a forward-auth
 * decision and of a cached SCIM read by about a third (figures: bench/README.md).
 *
 * Nothing is answered from older knowledge than before: every request of a batch was read from
 * its socket before the batch starts, so a commit that landed before a request arrived — this
 * process's or another's — is seen when that request is handled. Per-socket order holds: node
 * queues a connection's responses and sends them in request order, whichever is ready first.
 *
 * Given the store's write group, a batch's writes also share one transaction (group commit,
 * src/store/write-group.ts): it opens when the batch's first write joins and commits when the
 * batch's run ends. Answers computed inside it wait for the commit (the app's side:
 * src/http/answer-after-commit.ts). Reads that come after it opened are held back and handled
 * once it has committed, so they never see rows that might yet roll back — and so is everything
 * after them on the same connection, which keeps each connection's requests in order.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { INTERNAL_FAILURE, serverFailureAnswer } from './server-error.js';

/**
 * A batch is handled at once when it reaches this many requests, in read order like any other:
 * a client pipelining thousands of requests on one connection must not pile them all up first.
 */
const MAX_BATCH = 512;

/** What a batch needs of the store's write group (src/store/write-group.ts). */
export interface BatchWrites {
  during(run: () => void): void;
  isOpen(): boolean;
}

/** Methods that never write: they wait for an open group's commit instead of running inside it. */
const readOnly = (method: string | undefined) => method === 'GET' || method === 'HEAD' || method === 'OPTIONS';

export function batchPerLoopTurn(
  handle: (incoming: IncomingMessage, outgoing: ServerResponse) => void,
  logger: Logger,
  writes?: BatchWrites,
): RequestListener {
  let batch: (IncomingMessage | ServerResponse)[] = [];

  const handleOne = (incoming: IncomingMessage, outgoing: ServerResponse) => {
    // The client went away while the batch waited: nothing can be answered.
    if (incoming.socket?.destroyed) return;
    try {
      handle(incoming, outgoing);
    } catch (error) {
      try {
        // Handlers answer their own failures; this is a bug. Answer this request and keep the batch going.
        logger.error({ err: error, method: incoming.method }, 'request handler threw');
        if (!outgoing.headersSent) {
          // A writeHead that threw has already set its reason phrase; the 500 must not keep it.
          outgoing.statusMessage = '';
          const answer = serverFailureAnswer((incoming.url ?? '/').split('?')[0] ?? '/', INTERNAL_FAILURE);
          outgoing.writeHead(answer.status, { ...answer.headers, 'Content-Length': Buffer.byteLength(answer.body) }).end(answer.body);
        } else if (!outgoing.writableEnded) {
          outgoing.destroy();
        }
      } catch {
        outgoing.destroy();
      }
    }
  };

  const handleBatch = () => {
    const current = batch;
    batch = [];
    if (writes === undefined) {
      for (let i = 0; i < current.length; i += 2) handleOne(current[i] as IncomingMessage, current[i + 1] as ServerResponse);
      return;
    }
    let heldBack: (IncomingMessage | ServerResponse)[] | undefined;
    let heldSockets: Set<unknown> | undefined;
    writes.during(() => {
      for (let i = 0; i < current.length; i += 2) {
        const incoming = current[i] as IncomingMessage;
        const outgoing = current[i + 1] as ServerResponse;
        if ((heldSockets !== undefined && heldSockets.has(incoming.socket)) || (readOnly(incoming.method) && writes.isOpen())) {
          (heldBack ??= []).push(incoming, outgoing);
          if (incoming.socket) (heldSockets ??= new Set()).add(incoming.socket);
          continue;
        }
        handleOne(incoming, outgoing);
      }
    });
    if (heldBack) for (let i = 0; i < heldBack.length; i += 2) handleOne(heldBack[i] as IncomingMessage, heldBack[i + 1] as ServerResponse);
  };

  return (incoming, outgoing) => {
    if (batch.length === 0) setImmediate(handleBatch);
    batch.push(incoming, outgoing);
    if (batch.length >= 2 * MAX_BATCH) handleBatch();
  };
}
