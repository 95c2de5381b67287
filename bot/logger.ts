import { pino, type Logger, type DestinationStream } from 'pino';
import { maskPii } from './pii';

export type { Logger };

/**
 * JSON logs (pino). Every serialised line passes through the PII mask, so an ID number, phone
 * number or address in any field, message or error never reaches the log sink.
 */
export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'banshi' },
      timestamp: pino.stdTimeFunctions.isoTime,
      hooks: { streamWrite: (line: string) => maskPii(line) },
    },
    options.destination,
  );
}

/** A logger that drops everything, for tests and scripted runs that do not read logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
