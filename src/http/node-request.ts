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
