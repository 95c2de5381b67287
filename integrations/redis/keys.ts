import type { Logger } from '../../bot/logger';
import { DEFAULT_KEY_PREFIX } from './client';

/** Options every Redis adapter takes. */
export interface RedisStoreOptions {
  logger: Logger;
  /** Deployment-wide key prefix (`KEY_PREFIX`), default `banshi:`. */
  prefix?: string;
}

/** Builds the key names of docs/redis-keys.md under one prefix. */
export function redisKeys(prefix = DEFAULT_KEY_PREFIX) {
  return {
    session: (key: string) => `${prefix}sess:${key}`,
    lockTicket: (key: string) => `${prefix}lock:${key}:ticket`,
    lockServing: (key: string) => `${prefix}lock:${key}:serving`,
    dedupe: (key: string) => `${prefix}dedup:${key}`,
    versionDocs: (ns: string, id: string) => `${prefix}ver:${ns}:${id}:docs`,
    versionIndex: (ns: string, id: string) => `${prefix}ver:${ns}:${id}:versions`,
    versionIds: (ns: string) => `${prefix}ver:${ns}:ids`,
    referenceCounter: (referencePrefix: string, day: string) => `${prefix}ref:${referencePrefix}:${day}`,
    referenceIssued: (referencePrefix: string, key: string) => `${prefix}ref:${referencePrefix}:key:${key}`,
    handoffCase: (id: string) => `${prefix}hd:case:${id}`,
    handoffConversation: (conversationId: string) => `${prefix}hd:conv:${conversationId}`,
    handoffActive: () => `${prefix}hd:active`,
    handoffEnded: () => `${prefix}hd:ended`,
    handoffAgent: (agent: string) => `${prefix}hd:agent:${agent}`,
    transcript: (conversationId: string) => `${prefix}hd:tx:${conversationId}`,
    presence: () => `${prefix}hd:presence`,
    deskEvents: () => `${prefix}hd:events`,
    staffAccounts: () => `${prefix}staff:accounts`,
    audit: () => `${prefix}audit`,
  };
}
export type RedisKeys = ReturnType<typeof redisKeys>;
