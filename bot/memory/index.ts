export { MemorySessionStore, type MemoryStoreOptions } from './session-store';
export { MemoryDeduper } from './deduper';
export { MemoryConversationLock, DEFAULT_LEASE_MS } from './conversation-lock';
export { MemoryVersionedStore, assertVersionArgs } from './versioned-store';
export { TtlMap, DEFAULT_SWEEP_MS, assertTtlSeconds, toJson } from './ttl-map';
export { conversationStoreFrom } from './conversation-store';
export { MemoryReferences } from './references';
export { MemoryJobQueue, type MemoryJobQueueOptions } from './job-queue';
