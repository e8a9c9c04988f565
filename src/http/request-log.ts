/**
 * A request's logger: every line carries the request id, but the pino child that adds it is
 * only made when a line is actually written at an enabled level — most requests write none
 * beyond the access line, and building a child per request showed up on every hot path.
 */
import type { Logger } from 'pino';

type Level = 'debug' | 'info' | 'warn' | 'error';
type LogFn = (object: object, message?: string) => void;

export type RequestLog = Record<Level, LogFn>;

export function createRequestLog(logger: Logger, requestId: string): RequestLog {
  let child: Logger | undefined;
  const at =
    (level: Level): LogFn =>
    (object, message) => {
      if (!logger.isLevelEnabled(level)) return;
      child ??= logger.child({ requestId });
      child[level](object, message);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
