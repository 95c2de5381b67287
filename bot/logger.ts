import { pino, type Logger, type DestinationStream } from 'pino';
import { maskPii } from './pii';
import { createPseudonymiser, pseudonymiseLine } from './pseudonym';

export type { Logger };

export interface LoggerOptions {
  level?: string;
  destination?: DestinationStream;
  /** Key of the pseudonyms residents' ids get in log lines (LOG_PSEUDONYM_KEY); random per process when unset. */
  pseudonymKey?: string;
}

/**
 * JSON logs (pino). Every serialised line passes through the privacy filter: OpenIDs and
 * residents' ids become keyed pseudonyms, then ID numbers, phone numbers and addresses in any
 * field, message or error are masked, so none of them reaches the log sink.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const pseudonym = createPseudonymiser(options.pseudonymKey);
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'banshi' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Pseudonyms first: an OpenID may contain a run of digits the masker would cut in half.
      hooks: { streamWrite: (line: string) => maskPii(pseudonymiseLine(line, pseudonym)) },
    },
    options.destination,
  );
}

/** A logger that drops everything, for tests and scripted runs that do not read logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
