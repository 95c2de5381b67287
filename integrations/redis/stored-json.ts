import type { Logger } from '../../bot/logger';

/**
 * A JSON value read from Redis, or undefined when absent. A value that is not JSON (written by
 * hand or by a broken deploy) is logged as `problem` and read as absent, so the caller starts
 * afresh instead of failing on every read.
 */
export function parseStoredJson(json: string | null | undefined, logger: Logger, problem: string, context: Record<string, unknown>): unknown {
  if (json == null) return undefined;
  try {
    return JSON.parse(json);
  } catch (err) {
    logger.error({ err, ...context }, problem);
    return undefined;
  }
}
