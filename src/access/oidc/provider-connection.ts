// Sign-in whose provider may be unreachable: discovery is tried at boot and, while it fails for
// want of the provider (DNS, refused, TLS, timeout, an HTTP error), again in the background with
// capped, jittered exponential backoff. Until it succeeds, sign-in answers "come back later"
// (waitSeconds) while SCIM and existing sessions, which never need the provider, carry on.
// Configuration mistakes (no client id, an issuer the provider disowns) still fail the boot.
import { createOidcClient } from './create-client.js';
import { OidcConfigError } from './errors.js';
import { failureCause, type FailureCause } from './failure-cause.js';
import type { OidcClient, OidcClientConfig } from './types.js';

export interface RetryPolicy {
  /** Delay before the first retry; each further one doubles it … */
  firstDelayMs: number;
  /** … up to this. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { firstDelayMs: 1_000, maxDelayMs: 60_000 };

export interface ConnectionEvents {
  /** A discovery attempt failed; the next one comes in `retryInMs`. */
  failed(info: { attempt: number; cause: FailureCause; code: OidcConfigError['code']; retryInMs: number }): void;
  /** Discovery succeeded after `attempt` tries. */
  connected(info: { attempt: number; issuer: string }): void;
}

export interface ProviderConnection extends Pick<OidcClient, 'startLogin' | 'finishLogin'> {
  /** Seconds until the next discovery attempt while the provider is not discovered; undefined once it is. */
  waitSeconds(): number | undefined;
  /** Stops retrying (server shutdown). */
  stop(): void;
}

export interface ConnectOptions {
  retry?: RetryPolicy;
  events: ConnectionEvents;
  /** In [0, 1); default Math.random. Spreads the retries of many servers that lost the provider together. */
  random?: () => number;
  now?: () => number;
}

/** The delay before retry `n` (1-based): doubling from firstDelayMs, capped, then jittered into [½, 1] of that. */
export function retryDelayMs(n: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.min(n - 1, 30));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/**
 * Discovers the provider once; resolves to a connection either way, unless the configuration
 * itself is wrong (rejects with OidcConfigError, as createOidcClient does).
 */
export async function connectProvider(config: OidcClientConfig, options: ConnectOptions): Promise<ProviderConnection> {
  const policy = options.retry ?? DEFAULT_RETRY;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  let client: OidcClient | undefined;
  let attempt = 0;
  let nextAttemptAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const tryOnce = async (): Promise<void> => {
    attempt++;
    try {
      client = await createOidcClient(config);
      if (attempt > 1) options.events.connected({ attempt, issuer: client.issuer });
    } catch (error) {
      const code = error instanceof OidcConfigError ? error.code : 'invalid_config';
      // At boot a mistake in the configuration stops the server; later it can only be the
      // provider's (it changed its document), so that is retried too — and logged as such.
      if (attempt === 1 && code !== 'discovery_failed') throw error;
      const retryInMs = retryDelayMs(attempt, policy, random);
      options.events.failed({ attempt, cause: failureCause(error), code, retryInMs });
      if (stopped) return;
      nextAttemptAt = now() + retryInMs;
      timer = setTimeout(() => void tryOnce(), retryInMs);
      // Retrying must not keep a stopping process alive.
      timer.unref();
    }
  };
  await tryOnce();

  const ready = (): OidcClient => {
    if (client === undefined) throw new OidcConfigError('discovery_failed', 'the identity provider has not been discovered yet');
    return client;
  };
  return {
    waitSeconds: () => (client === undefined ? Math.max(1, Math.ceil((nextAttemptAt - now()) / 1000)) : undefined),
    startLogin: (input) => ready().startLogin(input),
    finishLogin: (url, pending) => ready().finishLogin(url, pending),
    stop: () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}
