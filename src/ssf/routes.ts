/**
 * The SSF 1.0 transmitter's HTTP surface: discovery and JWKS (public), and behind the receivers'
 * own bearer tokens (receiver-auth.ts) the stream management API (§8: configuration, status,
 * subjects, verification) and the RFC 8936 poll endpoint (poll-route.ts). Every refusal is an
 * SsfError rendered once (errors.ts) with a 4xx that says why; nothing is changed by a refused
 * request. Streams are the calling receiver's only: another receiver's stream is "not found".
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { Logger } from 'pino';
import { requestHeader } from '../http/request-header.js';
import type { TokenService } from '../tokens/index.js';
import { pollUrl, SSF_PATHS, transmitterMetadata } from './discovery.js';
import { renderSsfError, SsfError } from './errors.js';
import { SSF_VERIFICATION } from './events.js';
import { jsonObjectBody, requiredString } from './json-body.js';
import { pollRoute, type PollTiming } from './poll-route.js';
import { authenticateReceiver } from './receiver-auth.js';
import type { PollQueue } from './sqlite/poll-queue.js';
import type { SigningKeys } from './sqlite/signing-keys.js';
import { readStreamRequest, streamJson, type StreamWireContext } from './stream-config.js';
import { PUSH_METHOD, STREAM_STATUSES, type Stream, type StreamStatus, type StreamStore } from './stream.js';
import { canonicalSubject, parseSubject } from './subjects.js';
import { streamSubscriberId, type DefaultSubjects } from './subscriber-source.js';
import type { Transmitter } from './transmitter.js';

/** What a stream change is, for the audit log (src/persistence/audit.ts) when one is given. */
export type StreamChange = 'ssf.stream_created' | 'ssf.stream_updated' | 'ssf.stream_deleted';

export interface SsfRouteDeps {
  issuer: string;
  defaultSubjects: DefaultSubjects;
  allowInsecurePush: boolean;
  tokens: Pick<TokenService, 'verify'>;
  streams: StreamStore;
  queue: PollQueue;
  keys: SigningKeys;
  transmitter: Transmitter;
  now: () => Date;
  newStreamId?: () => string;
  poll?: Partial<PollTiming>;
  logger?: Logger;
  /** Called inside the write of each stream change (the audit log, when there is one). */
  /** Enrols a new stream with the delivery worker inside the write that creates it (src/hooks/sqlite/subscriber-enrolment.ts). */
  enrol?: (subscriberId: string) => void;
  recordChange?: (change: StreamChange, receiver: string, streamId: string, data: Record<string, unknown>) => void;
}

const MAX_STATE_LENGTH = 1024;
const MAX_REASON_LENGTH = 1024;

export function ssfRoutes(deps: SsfRouteDeps): Hono {
  const app = new Hono();
  const wire: StreamWireContext = { issuer: deps.issuer, pollUrl: (id) => pollUrl(deps.issuer, id), allowInsecurePush: deps.allowInsecurePush };
  const newStreamId = deps.newStreamId ?? (() => randomUUID().replaceAll('-', ''));
  const at = () => deps.now().toISOString();

  /** Authenticates the receiver, runs the handler, renders its SsfError; anything else is the app's 500. */
  const asReceiver =
    (handler: (c: Context, receiver: string) => Response | Promise<Response>) =>
    async (c: Context): Promise<Response> => {
      try {
        c.header('Cache-Control', 'no-store');
        return await handler(c, authenticateReceiver(deps.tokens, requestHeader(c, 'authorization')));
      } catch (error) {
        if (error instanceof SsfError) return renderSsfError(c, error);
        throw error;
      }
    };

  const streamOf = (receiver: string, id: string | undefined): Stream => {
    if (id === undefined || id === '') throw new SsfError('invalid_request', 'stream_id is required');
    const stream = deps.streams.get(id, receiver);
    if (!stream) throw new SsfError('stream_not_found', `no stream ${JSON.stringify(id)} for this receiver`);
    return stream;
  };

  app.get(SSF_PATHS.configuration, (c) => c.json(transmitterMetadata(deps.issuer, deps.defaultSubjects)));
  app.get(SSF_PATHS.jwks, (c) => {
    // Short: a rotated key must reach receivers soon; they fetch again on an unknown kid anyway.
    c.header('Cache-Control', 'public, max-age=300');
    return c.json(deps.keys.jwks());
  });

  app.post(
    SSF_PATHS.stream,
    asReceiver(async (c, receiver) => {
      const config = readStreamRequest(await jsonObjectBody(c, true), 'create', wire);
      if (!config.ok) throw config.error;
      const now = at();
      const stream: Stream = { id: newStreamId(), receiver, audience: receiver, config: config.value, status: 'enabled', createdAt: now, updatedAt: now };
      deps.streams.create(stream, () => {
        deps.enrol?.(streamSubscriberId(stream.id));
        deps.recordChange?.('ssf.stream_created', receiver, stream.id, { method: stream.config.delivery.method });
      });
      return c.json(streamJson(stream, wire), 201);
    }),
  );

  app.get(
    SSF_PATHS.stream,
    asReceiver((c, receiver) => {
      const id = c.req.query('stream_id');
      if (id === undefined) return c.json(deps.streams.list(receiver).map((stream) => streamJson(stream, wire)));
      return c.json(streamJson(streamOf(receiver, id), wire));
    }),
  );

  for (const [method, change] of [
    ['patch', 'update'],
    ['put', 'replace'],
  ] as const) {
    app.on(
      method.toUpperCase(),
      SSF_PATHS.stream,
      asReceiver(async (c, receiver) => {
        const body = await jsonObjectBody(c);
        const current = streamOf(receiver, requiredString(body, 'stream_id'));
        const config = readStreamRequest(body, change, wire, current);
        if (!config.ok) throw config.error;
        const updated = deps.streams.replaceConfig(current.id, receiver, config.value, at(), () =>
          deps.recordChange?.('ssf.stream_updated', receiver, current.id, { change, method: config.value.delivery.method }),
        );
        if (!updated) throw new SsfError('stream_not_found', `no stream ${JSON.stringify(current.id)} for this receiver`);
        return c.json(streamJson(updated, wire));
      }),
    );
  }

  app.delete(
    SSF_PATHS.stream,
    asReceiver((c, receiver) => {
      const stream = streamOf(receiver, c.req.query('stream_id'));
      deps.streams.delete(stream.id, receiver, () => deps.recordChange?.('ssf.stream_deleted', receiver, stream.id, {}));
      return c.body(null, 204);
    }),
  );

  app.get(
    SSF_PATHS.status,
    asReceiver((c, receiver) => c.json(statusJson(streamOf(receiver, c.req.query('stream_id'))))),
  );

  app.post(
    SSF_PATHS.status,
    asReceiver(async (c, receiver) => {
      const body = await jsonObjectBody(c);
      const stream = streamOf(receiver, requiredString(body, 'stream_id'));
      const status = body['status'];
      if (typeof status !== 'string' || !(STREAM_STATUSES as readonly string[]).includes(status)) {
        throw new SsfError('invalid_request', `status must be one of ${STREAM_STATUSES.map((s) => `"${s}"`).join(', ')}`);
      }
      const reason = optionalString(body, 'reason', MAX_REASON_LENGTH);
      const updated = deps.streams.setStatus(stream.id, receiver, status as StreamStatus, reason, at(), () =>
        deps.recordChange?.('ssf.stream_updated', receiver, stream.id, { status, ...(reason === undefined ? {} : { reason }) }),
      );
      if (!updated) throw new SsfError('stream_not_found', `no stream ${JSON.stringify(stream.id)} for this receiver`);
      return c.json(statusJson(updated));
    }),
  );

  for (const [path, wanted] of [
    [SSF_PATHS.addSubject, true],
    [SSF_PATHS.removeSubject, false],
  ] as const) {
    app.post(
      path,
      asReceiver(async (c, receiver) => {
        const body = await jsonObjectBody(c);
        const stream = streamOf(receiver, requiredString(body, 'stream_id'));
        if (wanted && body['verified'] !== undefined && typeof body['verified'] !== 'boolean') throw new SsfError('invalid_request', 'verified must be a boolean');
        const subject = parseSubject(body['subject']);
        if (!subject.ok) throw new SsfError('invalid_subject', subject.error);
        deps.streams.setSubject(stream.id, canonicalSubject(subject.value), wanted, at());
        // SSF 1.0 §8.1.3.2: an empty 200 for add; §8.1.3.3: 204 for remove.
        return wanted ? c.body(null, 200) : c.body(null, 204);
      }),
    );
  }

  app.post(
    SSF_PATHS.verify,
    asReceiver(async (c, receiver) => {
      const body = await jsonObjectBody(c);
      const stream = streamOf(receiver, requiredString(body, 'stream_id'));
      const state = optionalString(body, 'state', MAX_STATE_LENGTH);
      if (stream.status !== 'enabled') throw new SsfError('invalid_request', `the stream is ${stream.status}: nothing is transmitted on it until it is enabled`);
      const jti = `ver_${randomUUID()}`;
      const draft = {
        jti,
        txn: jti,
        subject: { format: 'opaque', id: stream.id } as const,
        eventType: SSF_VERIFICATION,
        eventBody: state === undefined ? {} : { state },
      };
      // SSF 1.0 §8.1.4.2: 204 says the event is or will be transmitted; a push goes out after the
      // answer (a slow receiver must not hold it), a poll SET is queued before it.
      const sending = deps.transmitter.deliver(stream, [draft], AbortSignal.timeout(60_000)).then(
        (outcome) => {
          if (!outcome.ok) deps.logger?.warn({ stream: stream.id, reason: outcome.reason }, 'SSF verification event not delivered');
        },
        (error: unknown) => deps.logger?.error({ err: error, stream: stream.id }, 'SSF verification event failed'),
      );
      if (stream.config.delivery.method !== PUSH_METHOD) await sending;
      return c.body(null, 204);
    }),
  );

  app.post(`${SSF_PATHS.poll}/:streamId`, asReceiver(pollRoute(deps, streamOf)));

  return app;
}

function statusJson(stream: Stream): Record<string, unknown> {
  return { stream_id: stream.id, status: stream.status, ...(stream.statusReason === undefined ? {} : { reason: stream.statusReason }) };
}

function optionalString(body: Record<string, unknown>, name: string, max: number): string | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > max) throw new SsfError('invalid_request', `${name} must be a string of at most ${max} characters`);
  return value;
}
