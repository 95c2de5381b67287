/**
 * A command that could not be run: the client is closed, or (as `RedisTimeoutError`) the
 * connection did not come back or Redis did not answer within the command timeout. A turn that
 * meets it gets the runtime's polite error reply.
 */
export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError';
  readonly retryable = true;
  constructor(operation: string, reason = 'refused while the connection is down') {
    super(`redis unavailable: ${operation} ${reason}`);
  }
}

/**
 * Redis took longer than the command timeout to answer (a hung server or a silent network), or
 * the connection was not re-established within it (`waitingFor` = "no connection").
 */
export class RedisTimeoutError extends RedisUnavailableError {
  override name = 'RedisTimeoutError';
  constructor(operation: string, ms: number, waitingFor = 'no reply') {
    super(operation, `${waitingFor} within ${ms} ms`);
  }
}
