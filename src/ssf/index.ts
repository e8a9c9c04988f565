/**
 * The OpenID Shared Signals Framework 1.0 transmitter (src/ssf/): everything built from a store
 * and its options — receiver tokens, streams, signing keys, poll queues, the routes to mount and
 * the subscriber source the delivery worker reads.
 */
import type { Logger } from 'pino';
import type { Store } from '../store/index.js';
import { ssfTokens } from '../store/schema.js';
import { createSqliteTokenStore } from '../tokens/sqlite/token-store.js';
import { createTokenService, type TokenService } from '../tokens/index.js';
import { ssfRoutes, type SsfRouteDeps } from './routes.js';
import { ACKED_KEPT_DAYS, createSqlitePollQueue, type PollQueue } from './sqlite/poll-queue.js';
import { createSigningKeys, type SigningKeys } from './sqlite/signing-keys.js';
import { createSqliteStreamStore } from './sqlite/stream-store.js';
import type { StreamStore } from './stream.js';
import { createSsfSubscriberSource, type DefaultSubjects } from './subscriber-source.js';
import { createTransmitter } from './transmitter.js';
import type { SubscriberSource } from '../hooks/subscriber.js';
import type { PollTiming } from './poll-route.js';
import type { AuditLog } from '../persistence/audit.js';
import { auditedTokens, streamChangeRecorder } from './audit.js';

export { SUBSCRIBER_PREFIX, type DefaultSubjects } from './subscriber-source.js';
export { SSF_PATHS } from './discovery.js';
export type { StreamChange } from './routes.js';

/** Receiver tokens say what they are for when they leak. */
export const SSF_TOKEN_PREFIX = 'scimgate_ssf_';

export interface SsfOptions {
  /** The transmitter's issuer: scimgate's public URL (an origin, no trailing slash). */
  issuer: string;
  defaultSubjects: DefaultSubjects;
  rotateKeysAfterSeconds: number;
  keyOverlapSeconds: number;
  allowInsecurePush: boolean;
  pushTimeoutMs: number;
  fetch?: typeof fetch;
  now?: () => Date;
  logger?: Logger;
  poll?: Partial<PollTiming>;
  /** Enrols a new stream with the delivery worker in the write that creates it; without it the worker enrols it when it first sees it. */
  enrol?: (subscriberId: string) => void;
  /** Where stream changes are recorded (each in the change's own write); none: not recorded. */
  audit?: AuditLog;
}

export interface SsfTransmitter {
  routes: ReturnType<typeof ssfRoutes>;
  source: SubscriberSource;
  tokens: TokenService;
  keys: SigningKeys;
  streams: StreamStore;
  queue: PollQueue;
  /** Periodic upkeep: rotates the signing key when due, forgets old acknowledged poll rows. */
  maintain(): Promise<void>;
}

/** The receiver tokens alone (for `scimgate ssf token …`); issues and revocations audited when `audit` is given. */
export function createSsfTokenService(store: Pick<Store, 'db' | 'sqlite' | 'commits' | 'writes'>, audit?: AuditLog): TokenService {
  const tokens = createTokenService({ ...store, tokens: createSqliteTokenStore(store, ssfTokens), prefix: SSF_TOKEN_PREFIX });
  return audit ? auditedTokens(tokens, store, audit) : tokens;
}

export function createSsfTransmitter(store: Store, options: SsfOptions): SsfTransmitter {
  const now = options.now ?? (() => new Date());
  const issuer = options.issuer.replace(/\/+$/, '');
  const tokens = createSsfTokenService(store);
  const streams = createSqliteStreamStore(store);
  const queue = createSqlitePollQueue(store);
  const keys = createSigningKeys(store, { rotateAfterSeconds: options.rotateKeysAfterSeconds, overlapSeconds: options.keyOverlapSeconds, now });
  const transmitter = createTransmitter({ issuer, keys, queue, fetch: options.fetch ?? fetch, pushTimeoutMs: options.pushTimeoutMs, now });
  const routes = ssfRoutes({
    issuer,
    defaultSubjects: options.defaultSubjects,
    allowInsecurePush: options.allowInsecurePush,
    tokens,
    streams,
    queue,
    keys,
    transmitter,
    now,
    ...(options.poll ? { poll: options.poll } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.enrol ? { enrol: options.enrol } : {}),
    ...(options.audit ? { recordChange: streamChangeRecorder(options.audit) } : {}),
  });
  return {
    routes,
    source: createSsfSubscriberSource({ streams, transmitter, defaultSubjects: options.defaultSubjects }),
    tokens,
    keys,
    streams,
    queue,
    async maintain() {
      await keys.rotateIfDue();
      queue.purgeAcknowledged(new Date(now().getTime() - ACKED_KEPT_DAYS * 86_400_000).toISOString());
    },
  };
}
