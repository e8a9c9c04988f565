/** The process logger: structured JSON on stdout (pino), with secrets redacted by path as a second line of defence. */
import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  const config: LoggerOptions = {
    level: options.level ?? 'info',
    base: { service: 'scimgate' },
    redact: {
      paths: ['*.authorization', '*.Authorization', '*.cookie', '*.token', '*.password', '*.clientSecret', '*.secret'],
      censor: '[redacted]',
    },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}

/** A logger that drops everything: the default for tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
