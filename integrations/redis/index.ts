export { connectRedis, reconnectDelayMs, assertReady, RedisUnavailableError, DEFAULT_KEY_PREFIX, type RedisClient, type ConnectOptions } from './client';
export { redisKeys, type RedisKeys, type RedisStoreOptions } from './keys';
export { RedisSessionStore } from './session-store';
export { RedisConversationLock, LockTurnSkippedError, type RedisLockOptions } from './conversation-lock';
export { RedisConversationStore } from './conversation-store';
export { RedisDeduper } from './deduper';
export { RedisVersionedStore } from './versioned-store';
export { redisHealthCheck } from './health';
export { createRedisPorts, type RedisPorts } from './ports';
