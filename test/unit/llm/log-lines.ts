import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../../bot/logger';

/** A real (masking) logger whose JSON lines are kept for assertions. */
export function logLines(): { lines: Record<string, unknown>[]; logger: Logger } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info', destination }) };
}
