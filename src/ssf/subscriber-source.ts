/**
 * Every SSF stream as a subscriber of the delivery worker (src/hooks/): id `ssf:<streamId>`,
 * read again whenever a stream or a subject changed (the store's `revision`), so a stream
 * created, changed or deleted — here or by another process — is noticed without a restart. Not
 * on every worker cycle: one runs after each group of SCIM writes, and rebuilding every stream's
 * subscriber each time cost ~19 µs with two streams, ~73 µs with ten.
 *
 * A stream accepts an outbox event when it becomes SETs of a type the stream delivers, about a
 * subject the stream wants (SSF 1.0 `default_subjects`, and the subjects the receiver added or
 * removed), and the stream is not disabled. While paused, its events are held: `send` answers
 * "retry later" and the worker keeps them in order (SSF 1.0 §8.1.2: SHOULD hold).
 */
import type { HookSubscriber, SubscriberSource } from '../hooks/subscriber.js';
import type { HookEvent } from '../persistence/outbox.js';
import { mapHookEvent, possibleTypes } from './events.js';
import { eventsDelivered } from './stream-config.js';
import type { Stream, StreamStore } from './stream.js';
import { parseCanonicalSubject, subjectMatches, type PrincipalIds } from './subjects.js';
import type { SetDraft, Transmitter } from './transmitter.js';

export type DefaultSubjects = 'ALL' | 'NONE';

/** How soon the worker asks again while a stream is paused. */
export const PAUSED_RETRY_MS = 5_000;

export const SUBSCRIBER_PREFIX = 'ssf:';

/** The delivery worker's id for a stream: its cursor and lease rows are keyed by it. */
export const streamSubscriberId = (streamId: string): string => `${SUBSCRIBER_PREFIX}${streamId}`;

export interface SsfSourceDeps {
  streams: StreamStore;
  transmitter: Transmitter;
  defaultSubjects: DefaultSubjects;
}

export function createSsfSubscriberSource(deps: SsfSourceDeps): SubscriberSource {
  let built: { revision: string; subscribers: readonly HookSubscriber[] } | undefined;
  return {
    subscribers() {
      const revision = deps.streams.revision();
      if (built?.revision !== revision) built = { revision, subscribers: deps.streams.all().map((stream) => streamSubscriber(stream, deps)) };
      return built.subscribers;
    },
    // Any stream may be created or changed to deliver any SET type, so only the mapping decides.
    mayAccept: (type) => possibleTypes(type).length > 0,
  };
}

function streamSubscriber(stream: Stream, deps: SsfSourceDeps): HookSubscriber {
  const delivered = new Set(eventsDelivered(stream.config));
  let subjects: { wanted: boolean; subject: ReturnType<typeof parseCanonicalSubject> }[] | undefined;
  const wants = (principal: PrincipalIds) => {
    subjects ??= deps.streams.subjects(stream.id).map((row) => ({ wanted: row.wanted, subject: parseCanonicalSubject(row.subject) }));
    const matching = subjects.filter((row) => row.subject !== undefined && subjectMatches(row.subject, principal));
    if (matching.some((row) => !row.wanted)) return false;
    return deps.defaultSubjects === 'ALL' || matching.some((row) => row.wanted);
  };
  const drafts = (event: HookEvent): SetDraft[] | undefined => {
    const mapped = mapHookEvent(event);
    if (!mapped || !wants(mapped.principal)) return undefined;
    const chosen = mapped.events.filter((e) => delivered.has(e.type));
    return chosen.map((e) => ({
      jti: chosen.length === 1 || e.jtiSuffix === undefined ? event.id : `${event.id}.${e.jtiSuffix}`,
      txn: event.id,
      subject: e.subject,
      eventType: e.type,
      eventBody: e.body,
    }));
  };
  return {
    id: streamSubscriberId(stream.id),
    accepts(event) {
      if (stream.status === 'disabled' || !possibleTypes(event.type).some((type) => delivered.has(type))) return false;
      return (drafts(event)?.length ?? 0) > 0;
    },
    async send(event, signal) {
      // The status may have changed since this cycle began; the stored one decides.
      const current = deps.streams.get(stream.id, stream.receiver);
      if (!current || current.status === 'disabled') return { ok: true };
      if (current.status === 'paused') return { ok: false, retryable: true, reason: 'the stream is paused by its receiver', retryAfterMs: PAUSED_RETRY_MS };
      const sets = drafts(event) ?? [];
      return deps.transmitter.deliver(current, sets, signal);
    },
  };
}
