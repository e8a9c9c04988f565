/**
 * The node request behind a hono request, when there is one. @hono/node-server hands each request
 * to the app with `{ incoming, outgoing }` as its env (its HttpBindings); `app.request` in tests
 * hands none. This module is the one place that knows that shape: everything that wants node's
 * own objects (raw headers, a body already arrived, the peer's socket) asks here.
 */
import type { IncomingMessage } from 'node:http';
import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';

/** From a fetch handler's env (before hono has made a Context). */
export function nodeRequestOf(env: unknown): IncomingMessage | undefined {
  return (env as Partial<HttpBindings> | undefined)?.incoming;
}

/** From a hono Context. */
export function nodeRequest(c: Context): IncomingMessage | undefined {
  return nodeRequestOf(c.env);
}

/**
 * Aborts when the client goes away before its answer was written (it closed the connection, or
 * the server's request timeout cut it off): work still waiting for it may be dropped. Undefined
 * without a node request (`app.request` in tests). The response is one per request, so its
 * listener goes with it; the connection's would pile up on a keep-alive socket.
 */
export function clientGone(c: Context): AbortSignal | undefined {
  const outgoing = (c.env as Partial<HttpBindings> | undefined)?.outgoing;
  if (!outgoing) return undefined;
  const controller = new AbortController();
  outgoing.once('close', () => {
    if (!outgoing.writableFinished) controller.abort(new Error('the client went away'));
  });
  return controller.signal;
}
