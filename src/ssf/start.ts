/**
 * The transmitter as the configuration describes it (`ssf.*`), for the two places that build one:
 * the server (with its hourly upkeep, src/main.ts) and the CLI's `ssf keys` (src/cli/index.ts).
 */
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { Store } from '../store/index.js';
import { createSsfTransmitter, type SsfOptions, type SsfTransmitter } from './index.js';

/** How often the server's upkeep runs (key rotation when due, old poll acknowledgements). */
export const SSF_UPKEEP_MS = 3_600_000;

/** The transmitter's options from the configuration; `extra` adds what only the server has. */
export function ssfOptionsFrom(config: Config, extra: Partial<SsfOptions> = {}): SsfOptions {
  return {
    issuer: config.server.publicUrl.origin,
    defaultSubjects: config.ssf.defaultSubjects,
    rotateKeysAfterSeconds: config.ssf.keyRotationSeconds,
    keyOverlapSeconds: config.ssf.keyOverlapSeconds,
    allowInsecurePush: config.ssf.allowInsecurePush,
    pushTimeoutMs: config.ssf.pushTimeoutMs,
    ...extra,
  };
}

/** The server's transmitter, its upkeep run now and hourly; `stop` ends the upkeep. */
export function startSsf(store: Store, config: Config, logger: Logger, extra: Partial<SsfOptions>): { transmitter: SsfTransmitter; stop(): void } {
  const transmitter = createSsfTransmitter(store, ssfOptionsFrom(config, { logger, ...extra }));
  const upkeep = () =>
    void transmitter.maintain().catch((error: unknown) => logger.warn({ err: error }, 'SSF upkeep failed; it runs again in an hour'));
  upkeep();
  const timer = setInterval(upkeep, SSF_UPKEEP_MS);
  timer.unref();
  logger.info({ issuer: config.server.publicUrl.origin }, 'Shared Signals transmitter enabled');
  return { transmitter, stop: () => clearInterval(timer) };
}
