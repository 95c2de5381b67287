/**
 * A command refused because the connection is down. Ports fail fast with it at the start of an
 * operation, so a turn during an outage gets the runtime's polite error reply at once instead of
 * waiting in the client's offline queue; calls already under way fail after the command timeout
 * (`RedisTimeoutError`) if no reply comes.
 */
export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError';
  readonly retryable = true;
  constructor(operation: string, reason = 'refused while the connection is down') {
    super(`redis unavailable: ${operation} ${reason}`);
  }
}

export function assertReady(client: { isReady: boolean }, operation: string): void {
  if (!client.isReady) throw new RedisUnavailableError(operation);
}

/** Redis took longer than the command timeout to answer (a hung server or a silent network). */
export class RedisTimeoutError extends RedisUnavailableError {
  override name = 'RedisTimeoutError';
  constructor(operation: string, ms: number) {
    super(operation, `no reply within ${ms} ms`);
  }
}
