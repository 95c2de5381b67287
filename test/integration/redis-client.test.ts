import { describe, expect, it } from 'vitest';
import { createLogger } from '../../bot/logger';
import { connectRedis, reconnectDelayMs, RedisSessionStore } from '../../integrations/redis';
import { connectTestRedis, REDIS_URL } from '../contract/redis-test-env';

function capturedLogger() {
  const lines: Array<{ msg: string; level: number }> = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
  return { logger, lines };
}

describe('connectRedis', () => {
  it('survives the server dropping the connection: logs, reconnects, and runs queued commands', async () => {
    const { logger, lines } = capturedLogger();
    const client = await connectRedis(REDIS_URL, logger);
    const admin = await connectTestRedis();
    try {
      const id = await client.clientId();
      await admin.sendCommand(['CLIENT', 'KILL', 'ID', String(id)]);
      // Issued while the socket is down: waits in the offline queue, answered after the reconnect.
      expect(await client.ping()).toBe('PONG');
      expect(await client.clientId()).not.toBe(id);
      const messages = lines.map((l) => l.msg);
      expect(messages).toContain('redis: connection error');
      expect(messages).toContain('redis: reconnecting');
      expect(messages).toContain('redis: connection restored');
    } finally {
      await Promise.all([client.close(), admin.close()]);
    }
  });

  it('a call made while a dropped connection comes back waits for it instead of failing', async () => {
    const { logger } = capturedLogger();
    const client = await connectRedis(REDIS_URL, logger, { commandTimeoutMs: 2_000 });
    const admin = await connectTestRedis();
    const sessions = new RedisSessionStore(client, { logger, prefix: 'test:reconnect:' });
    try {
      const dropped = new Promise<void>((resolve) => client.once('error', () => resolve()));
      await admin.sendCommand(['CLIENT', 'KILL', 'ID', String(await client.clientId())]);
      await dropped;
      expect(client.isReady).toBe(false);
      // Before: refused at once ("refused while the connection is down"), the resident got the error reply.
      expect(await sessions.get('nothing-here')).toBeUndefined();
    } finally {
      await Promise.all([client.close(), admin.close()]);
    }
  });

  it('rejects at start-up when Redis cannot be reached, instead of hanging', async () => {
    const { logger, lines } = capturedLogger();
    await expect(connectRedis('redis://127.0.0.1:1', logger, { initialAttempts: 2 })).rejects.toThrow(/connectRedis\(\): no connection after 2 attempts/);
    expect(lines.some((l) => l.msg === 'redis: connection error' && l.level === 40)).toBe(true);
  });

  it('backs off between reconnects from about 50 ms up to 5 s', () => {
    for (let retries = 0; retries < 20; retries += 1) {
      const base = Math.min(50 * 2 ** retries, 5_000);
      const delay = reconnectDelayMs(retries);
      expect(delay).toBeGreaterThanOrEqual(base / 2);
      expect(delay).toBeLessThanOrEqual(base);
    }
  });
});
