/**
 * The poll endpoint of RFC 8936 streams, `POST /ssf/poll/{stream_id}` (the stream's transmitter-
 * supplied `endpoint_url`). The receiver sends `{ack, setErrs, maxEvents, returnImmediately}`:
 *
 * - `ack` and `setErrs` (§2.4.3/§2.4.4) acknowledge SETs — positively or with an error, which is
 *   logged — and an acknowledged SET is never returned again; both are applied first;
 * - then up to `maxEvents` (§2.2; 0 returns none, default and cap `MAX_EVENTS`) unacknowledged SETs
 *   are returned as `{"sets": {jti: SET}, "moreAvailable": bool}`, oldest first — the same SETs
 *   again on the next poll for as long as they are not acknowledged;
 * - with `returnImmediately` false (the default, §2.2), an empty answer waits up to
 *   `longPollMs` for a SET to be queued (a long poll), checking every `intervalMs`.
 *
 * A paused or disabled stream returns no SETs (SSF 1.0 §8.1.2: nothing is transmitted) but still
 * takes acknowledgements. Errors are `{"err", "description"}` with 400 (§2.4.4's shape).
 */
import type { Context } from 'hono';
import type { Logger } from 'pino';
import { SsfError } from './errors.js';
import { jsonObjectBody } from './json-body.js';
import type { PollQueue } from './sqlite/poll-queue.js';
import { POLL_METHOD, type Stream } from './stream.js';

export const MAX_EVENTS = 100;
const MAX_ACKS = 1_000;

export interface PollTiming {
  longPollMs: number;
  intervalMs: number;
}

const DEFAULT_TIMING: PollTiming = { longPollMs: 20_000, intervalMs: 250 };

export interface PollRouteDeps {
  queue: PollQueue;
  now: () => Date;
  poll?: Partial<PollTiming>;
  logger?: Logger;
}

interface PollRequest {
  ack: string[];
  errors: Record<string, { err: string; description?: string }>;
  maxEvents: number;
  returnImmediately: boolean;
}

export function pollRoute(deps: PollRouteDeps, streamOf: (receiver: string, id: string | undefined) => Stream) {
  const timing = { ...DEFAULT_TIMING, ...deps.poll };
  return async (c: Context, receiver: string): Promise<Response> => {
    const stream = streamOf(receiver, c.req.param('streamId'));
    if (stream.config.delivery.method !== POLL_METHOD) throw new SsfError('invalid_request', 'this stream delivers by push (RFC 8935); it has no poll endpoint');
    const request = readPollRequest(await jsonObjectBody(c, true));
    const acknowledged = [...request.ack, ...Object.keys(request.errors)];
    deps.queue.acknowledge(stream.id, acknowledged, deps.now().toISOString());
    for (const [jti, error] of Object.entries(request.errors)) {
      deps.logger?.warn({ stream: stream.id, jti, err: error.err, description: error.description }, 'SSF receiver reported an error for a SET');
    }
    const transmitting = stream.status === 'enabled';
    let batch = transmitting ? deps.queue.peek(stream.id, request.maxEvents) : { sets: [], more: false };
    if (transmitting && request.maxEvents > 0 && batch.sets.length === 0 && !request.returnImmediately) {
      const deadline = Date.now() + timing.longPollMs;
      const gone = c.req.raw.signal;
      while (batch.sets.length === 0 && Date.now() < deadline && !gone.aborted) {
        await new Promise((resolve) => setTimeout(resolve, timing.intervalMs));
        batch = deps.queue.peek(stream.id, request.maxEvents);
      }
    }
    const sets = Object.fromEntries(batch.sets.map((set) => [set.jti, set.token]));
    return c.json({ sets, moreAvailable: batch.more });
  };
}

function readPollRequest(body: Record<string, unknown>): PollRequest {
  const { ack = [], setErrs = {}, maxEvents = MAX_EVENTS, returnImmediately = false } = body;
  if (!Array.isArray(ack) || ack.length > MAX_ACKS || !ack.every((jti) => typeof jti === 'string')) {
    throw new SsfError('invalid_request', `ack must be an array of at most ${MAX_ACKS} jti strings`);
  }
  if (typeof setErrs !== 'object' || setErrs === null || Array.isArray(setErrs)) throw new SsfError('invalid_request', 'setErrs must be an object of jti → {"err", "description"}');
  const errors: PollRequest['errors'] = {};
  for (const [jti, value] of Object.entries(setErrs)) {
    const entry = value as Record<string, unknown> | null;
    if (typeof entry !== 'object' || entry === null || typeof entry['err'] !== 'string') throw new SsfError('invalid_request', `setErrs.${jti} must be {"err": string, "description"?: string}`);
    const description = entry['description'];
    if (description !== undefined && typeof description !== 'string') throw new SsfError('invalid_request', `setErrs.${jti}.description must be a string`);
    errors[jti] = { err: entry['err'], ...(description === undefined ? {} : { description }) };
  }
  if (Object.keys(errors).length > MAX_ACKS) throw new SsfError('invalid_request', `setErrs holds at most ${MAX_ACKS} entries`);
  if (typeof maxEvents !== 'number' || !Number.isSafeInteger(maxEvents) || maxEvents < 0) throw new SsfError('invalid_request', 'maxEvents must be a non-negative integer');
  if (typeof returnImmediately !== 'boolean') throw new SsfError('invalid_request', 'returnImmediately must be a boolean');
  return { ack: ack as string[], errors, maxEvents: Math.min(maxEvents, MAX_EVENTS), returnImmediately };
}
