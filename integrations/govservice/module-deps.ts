import type { Logger } from '../../bot/logger';
import type { ChannelDelivery, Clock, Deduper, JobQueue } from '../../bot/ports';
import type { RedisClient } from '../redis/client';

/** What every government-service module (booking, progress, work orders) is built from (bot/compose.ts). */
export interface GovServiceDeps {
  env: Record<string, string | undefined>;
  /** The shared connection when REDIS_URL is set; else the module keeps its state in memory. */
  redis?: { client: RedisClient; prefix: string };
  jobs: JobQueue;
  /** Once-only claims: notices sent once, webhook nonces. */
  deduper: Deduper;
  clock: Clock;
  logger: Logger;
  delivery(channel: string): ChannelDelivery | undefined;
}
