/**
 * A request's logger: every line carries the request id, but the pino child that adds it is
 * only made when a line is actually written at an enabled level — most requests write none
 * beyond the access line, and building a child (or closures) per request showed up on every
 * hot path.
 */
import type { Logger } from 'pino';

type Level = 'debug' | 'info' | 'warn' | 'error';

export class RequestLog {
  #child: Logger | undefined;

  constructor(
    private readonly logger: Logger,
    /** The request id every line carries (and the audit log records). */
    readonly requestId: string,
  ) {}

  /** Whether a line at `level` would be written: lets callers skip building it. */
  enabled(level: Level): boolean {
    return this.logger.isLevelEnabled(level);
  }

  debug(object: object, message?: string): void {
    this.#write('debug', object, message);
  }

  info(object: object, message?: string): void {
    this.#write('info', object, message);
  }

  warn(object: object, message?: string): void {
    this.#write('warn', object, message);
  }

  error(object: object, message?: string): void {
    this.#write('error', object, message);
  }

  #write(level: Level, object: object, message: string | undefined): void {
    if (!this.logger.isLevelEnabled(level)) return;
    this.#child ??= this.logger.child({ requestId: this.requestId });
    this.#child[level](object, message);
  }
}

export function createRequestLog(logger: Logger, requestId: string): RequestLog {
  return new RequestLog(logger, requestId);
}
