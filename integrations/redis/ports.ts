import type { ConversationLock, ConversationStore, Deduper, HealthCheck, References, SessionStore, VersionedStore } from '../../bot/ports';
import type { RedisClient } from './client';
import { RedisConversationLock, type RedisLockOptions } from './conversation-lock';
import { RedisConversationStore } from './conversation-store';
import { RedisDeduper } from './deduper';
import { RedisReferences } from './references';
import { redisHealthCheck } from './health';
import { RedisSessionStore } from './session-store';
import { RedisVersionedStore } from './versioned-store';

export interface RedisPorts {
  sessions: SessionStore;
  lock: ConversationLock;
  deduper: Deduper;
  versions: VersionedStore;
  conversations: ConversationStore;
  references: References;
  health: HealthCheck;
}

/** Every state port on one client, for the composition root. */
export function createRedisPorts(client: RedisClient, options: RedisLockOptions): RedisPorts {
  return {
    sessions: new RedisSessionStore(client, options),
    lock: new RedisConversationLock(client, options),
    deduper: new RedisDeduper(client, options),
    versions: new RedisVersionedStore(client, options),
    conversations: new RedisConversationStore(client, options),
    references: new RedisReferences(client, options),
    health: redisHealthCheck(client),
  };
}
