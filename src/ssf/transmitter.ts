/**
 * The transmitter's core: turns SET contents into signed SETs for one stream and hands them to the
 * stream's delivery method — pushed at once (RFC 8935, push.ts) or queued for the receiver's next
 * poll (RFC 8936, sqlite/poll-queue.ts). Used by the delivery worker's subscribers
 * (subscriber-source.ts) and by the verification endpoint.
 */
import type { SendOutcome } from '../hooks/subscriber.js';
import { pushSet } from './push.js';
import { signSet, type SetContent } from './set-token.js';
import type { PollQueue } from './sqlite/poll-queue.js';
import type { SigningKeys } from './sqlite/signing-keys.js';
import { POLL_METHOD, type Stream } from './stream.js';

export interface TransmitterDeps {
  issuer: string;
  keys: SigningKeys;
  queue: PollQueue;
  fetch: typeof fetch;
  pushTimeoutMs: number;
  now: () => Date;
}

export type SetDraft = Omit<SetContent, 'issuer' | 'audience'>;

export interface Transmitter {
  readonly issuer: string;
  /** Signs and delivers the SETs in order; stops at the first that is not accepted. */
  deliver(stream: Stream, drafts: readonly SetDraft[], signal: AbortSignal): Promise<SendOutcome>;
}

export function createTransmitter(deps: TransmitterDeps): Transmitter {
  return {
    issuer: deps.issuer,
    async deliver(stream, drafts, signal) {
      for (const draft of drafts) {
        const key = await deps.keys.current();
        const at = deps.now();
        const token = await signSet({ ...draft, issuer: deps.issuer, audience: stream.audience }, key, at);
        const { delivery } = stream.config;
        if (delivery.method === POLL_METHOD) {
          deps.queue.enqueue(stream.id, draft.jti, key.kid, token, at.toISOString());
          continue;
        }
        const outcome = await pushSet(
          deps.fetch,
          { url: delivery.endpoint_url, ...(delivery.authorization_header === undefined ? {} : { authorization: delivery.authorization_header }) },
          token,
          signal,
          deps.pushTimeoutMs,
        );
        if (!outcome.ok) return outcome;
      }
      return { ok: true };
    },
  };
}
