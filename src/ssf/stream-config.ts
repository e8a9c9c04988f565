/**
 * Stream configuration on the wire (SSF 1.0 §8.1.1): reading a create (POST), update (PATCH) or
 * replace (PUT) body into the receiver-supplied configuration, checking the transmitter-supplied
 * properties a receiver echoes back, and writing a stream's full configuration. Pure: problems
 * come back as SsfErrors for the routes to render.
 *
 * Members this transmitter does not know are ignored, as SSF asks of receivers; members it knows
 * are checked strictly. Push endpoints must be https unless the operator opted in to http
 * (`ssf.allowInsecurePush`): the stream's SETs name users and their sessions.
 */
import { z } from 'zod';
import { fail, ok, type Result } from '../shared/result.js';
import { EVENTS_SUPPORTED } from './events.js';
import { SsfError } from './errors.js';
import { POLL_METHOD, PUSH_METHOD, type Delivery, type ReceiverConfig, type Stream } from './stream.js';

export const MAX_DESCRIPTION_LENGTH = 1024;
const MAX_EVENTS_REQUESTED = 64;

export interface StreamWireContext {
  issuer: string;
  /** The poll endpoint URL of a stream (transmitter-supplied for RFC 8936 streams). */
  pollUrl(streamId: string): string;
  allowInsecurePush: boolean;
}

const eventsRequested = z.array(z.string().min(1).max(512)).max(MAX_EVENTS_REQUESTED);
const description = z.string().max(100_000);
const deliveryShape = z.looseObject({
  method: z.string(),
  endpoint_url: z.string().optional(),
  authorization_header: z.string().min(1).max(4096).optional(),
});

/** The receiver-supplied members (SSF 1.0 §8.1.1) and the transmitter-supplied ones we check. */
const bodyShape = z.looseObject({
  stream_id: z.string().optional(),
  iss: z.unknown().optional(),
  aud: z.unknown().optional(),
  events_supported: z.unknown().optional(),
  events_delivered: z.unknown().optional(),
  events_requested: eventsRequested.optional(),
  delivery: deliveryShape.optional(),
  description: description.optional(),
});
type Body = z.infer<typeof bodyShape>;

export type ConfigChange = 'create' | 'update' | 'replace';

/**
 * The receiver-supplied configuration a request asks for. `current` is the stream as stored
 * (update and replace); the stream id it names has been checked by the caller.
 */
export function readStreamRequest(raw: unknown, change: ConfigChange, context: StreamWireContext, current?: Stream): Result<ReceiverConfig, SsfError> {
  const parsed = bodyShape.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
    return fail(new SsfError('invalid_request', problems.join('; ')));
  }
  const body = parsed.data;
  if (change === 'create' && body.stream_id !== undefined) return fail(new SsfError('invalid_request', 'stream_id is supplied by the transmitter; leave it out when creating a stream'));
  const mismatch = transmitterMismatch(body, context, current);
  if (mismatch) return fail(new SsfError('invalid_transmitter_property', mismatch));

  let delivery: Delivery | undefined = current?.config.delivery;
  if (body.delivery !== undefined) {
    const read = readDelivery(body.delivery, context);
    if (!read.ok) return read;
    delivery = read.value;
  } else if (change !== 'update') {
    // SSF 1.0 §8.1.1.1: no delivery means poll; a replacement without one asks for the default again.
    delivery = { method: POLL_METHOD };
  }
  const base: Partial<ReceiverConfig> = change === 'update' && current ? current.config : {};
  const config: ReceiverConfig = { delivery: delivery ?? { method: POLL_METHOD } };
  const requested = body.events_requested ?? (change === 'update' ? base.events_requested : undefined);
  if (requested !== undefined) config.events_requested = [...new Set(requested)];
  const text = body.description ?? (change === 'update' ? base.description : undefined);
  // SSF 1.0 §8.1.1: the transmitter MAY truncate a long description.
  if (text !== undefined) config.description = text.slice(0, MAX_DESCRIPTION_LENGTH);
  return ok(config);
}

function readDelivery(value: z.infer<typeof deliveryShape>, context: StreamWireContext): Result<Delivery, SsfError> {
  if (value.method === POLL_METHOD) {
    if (value.endpoint_url !== undefined) {
      return fail(new SsfError('invalid_request', 'delivery.endpoint_url of a poll stream is supplied by the transmitter; leave it out'));
    }
    return ok({ method: POLL_METHOD });
  }
  if (value.method !== PUSH_METHOD) {
    return fail(new SsfError('unsupported_delivery_method', `delivery.method must be "${PUSH_METHOD}" (push) or "${POLL_METHOD}" (poll), got ${JSON.stringify(value.method)}`));
  }
  const url = value.endpoint_url;
  if (url === undefined || !URL.canParse(url)) return fail(new SsfError('invalid_request', 'delivery.endpoint_url must be the absolute URL SETs are pushed to'));
  const parsed = new URL(url);
  const https = parsed.protocol === 'https:';
  if (!https && !(parsed.protocol === 'http:' && context.allowInsecurePush)) {
    return fail(new SsfError('invalid_request', 'delivery.endpoint_url must use https (SETs name users and sessions)'));
  }
  if (parsed.username || parsed.password || parsed.hash) return fail(new SsfError('invalid_request', 'delivery.endpoint_url must not carry credentials or a fragment; use authorization_header'));
  if (value.authorization_header !== undefined && /[\r\n]/.test(value.authorization_header)) {
    return fail(new SsfError('invalid_request', 'delivery.authorization_header must be a single header value'));
  }
  return ok({ method: PUSH_METHOD, endpoint_url: url, ...(value.authorization_header === undefined ? {} : { authorization_header: value.authorization_header }) });
}

/** SSF 1.0 §8.1.1.3/4: transmitter-supplied properties may be sent back, but must match. */
function transmitterMismatch(body: Body, context: StreamWireContext, current: Stream | undefined): string | undefined {
  if (body.iss !== undefined && body.iss !== context.issuer) return `iss must be ${JSON.stringify(context.issuer)} (it is supplied by the transmitter)`;
  if (body.aud !== undefined && current && !sameAudience(body.aud, current.audience)) return 'aud cannot be changed (it is supplied by the transmitter)';
  if (body.events_supported !== undefined && !sameList(body.events_supported, EVENTS_SUPPORTED)) return 'events_supported does not match the transmitter\'s (it is supplied by the transmitter)';
  if (body.events_delivered !== undefined) {
    if (!current) return 'events_delivered is supplied by the transmitter; leave it out when creating a stream';
    if (!sameList(body.events_delivered, eventsDelivered(current.config))) return 'events_delivered must match its value before the update (it is supplied by the transmitter)';
  }
  return undefined;
}

/** `events_delivered`: the supported events the receiver asked for (none asked, none delivered). */
export function eventsDelivered(config: ReceiverConfig): string[] {
  const requested = new Set(config.events_requested ?? []);
  return EVENTS_SUPPORTED.filter((type) => requested.has(type));
}

/** The whole stream configuration as SSF 1.0 §8.1.1 describes it. */
export function streamJson(stream: Stream, context: StreamWireContext): Record<string, unknown> {
  const { delivery } = stream.config;
  return {
    stream_id: stream.id,
    iss: context.issuer,
    aud: stream.audience,
    delivery: delivery.method === POLL_METHOD ? { method: POLL_METHOD, endpoint_url: context.pollUrl(stream.id) } : { ...delivery },
    events_supported: [...EVENTS_SUPPORTED],
    ...(stream.config.events_requested === undefined ? {} : { events_requested: stream.config.events_requested }),
    events_delivered: eventsDelivered(stream.config),
    ...(stream.config.description === undefined ? {} : { description: stream.config.description }),
  };
}

function sameAudience(value: unknown, audience: string): boolean {
  return value === audience || (Array.isArray(value) && value.length === 1 && value[0] === audience);
}

function sameList(value: unknown, expected: readonly string[]): boolean {
  if (!Array.isArray(value) || value.length !== expected.length) return false;
  const set = new Set(value);
  return expected.every((item) => set.has(item));
}
