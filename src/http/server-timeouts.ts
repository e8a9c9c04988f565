/**
 * How long node's HTTP server lets a client take: the request line and headers, the whole
 * request (body included), and the idle time of a keep-alive connection between requests.
 * Past either request limit node answers 408 and closes the connection, before any route runs
 * or while a handler still awaits the body, whoever the client is — a valid bearer token buys
 * no more time. Node's own defaults (60 s / 300 s, checked every 30 s) let a slow client hold a
 * socket and its buffers for minutes.
 */
import type { ServerOptions } from 'node:http';

export interface ServerTimeouts {
  headersMs: number;
  requestMs: number;
  keepAliveMs: number;
}

/**
 * Node checks its connections for overdue requests on a timer; a check every quarter of the
 * shorter limit (at most every second, at least every 10 ms) keeps the overshoot small without
 * a busy timer.
 */
export function checkingIntervalMs(timeouts: ServerTimeouts): number {
  return Math.max(10, Math.min(1000, Math.floor(Math.min(timeouts.headersMs, timeouts.requestMs) / 4)));
}

/** The options createServer takes for these limits. */
export function serverTimeoutOptions(timeouts: ServerTimeouts): ServerOptions {
  return {
    headersTimeout: timeouts.headersMs,
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    connectionsCheckingInterval: checkingIntervalMs(timeouts),
  };
}
