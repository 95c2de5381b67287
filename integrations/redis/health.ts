import type { HealthCheck } from '../../bot/ports';
import type { RedisClient } from './client';

/**
 * `HealthCheck` for /readyz: PING, failing at once while the client is reconnecting (commands
 * would sit in the offline queue) and after `timeoutMs` when the server is slow to answer.
 */
export function redisHealthCheck(client: RedisClient, timeoutMs = 1_000): HealthCheck {
  return {
    name: 'redis',
    async check() {
      if (!client.isReady) throw new Error('redis: not connected');
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`redis: no PING reply within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        const reply = await Promise.race([client.ping(), timeout]);
        if (reply !== 'PONG') throw new Error(`redis: unexpected PING reply ${JSON.stringify(reply)}`);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
