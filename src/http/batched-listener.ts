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
 *
 * Some requests go first in their batch (`first`: the app passes forward-auth decisions, which
 * every proxied page waits on): a batch that also holds a flood of SCIM work answers them before
 * it. A request goes first only when every earlier request of its connection in the batch went
 * first too, so each connection's requests are still handled in the order they came.
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
  first?: (incoming: IncomingMessage) => boolean,
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

  /** The batch with the requests that go first moved to its front, each connection's order kept. */
  const ordered = (current: (IncomingMessage | ServerResponse)[]): (IncomingMessage | ServerResponse)[] => {
    if (first === undefined) return current;
    const front: (IncomingMessage | ServerResponse)[] = [];
    const rest: (IncomingMessage | ServerResponse)[] = [];
    // Connections with a request left in place: their later requests stay behind it.
    const waiting = new Set<unknown>();
    for (let i = 0; i < current.length; i += 2) {
      const incoming = current[i] as IncomingMessage;
      const goesFirst = !waiting.has(incoming.socket) && first(incoming);
      if (!goesFirst) waiting.add(incoming.socket);
      (goesFirst ? front : rest).push(incoming, current[i + 1] as ServerResponse);
    }
    return front.length === 0 || rest.length === 0 ? current : front.concat(rest);
  };

  const handleBatch = () => {
    const current = ordered(batch);
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
