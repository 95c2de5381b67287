import { z } from 'zod';
import { OutboundMessageSchema, type OutboundMessage } from '../../../bot/message';
import type { Deduper, SessionStore } from '../../../bot/ports';

/**
 * Exactly-once bookkeeping for one WeChat message across the platform's retries and across app
 * instances. Which attempt runs the turn is decided by the runtime's own de-duplication (a
 * duplicate `bot.handle` runs nothing); the ledger keeps the finished replies for a short while,
 * marked delivered when they went out passively, and a claim so that replies not yet delivered go
 * out once — passively by a retry that finds them in time, or by the customer-service path.
 */
export interface ReplyLedger {
  /** One write: the replies, and whether the running attempt already answered them passively. */
  storeReplies(key: string, replies: OutboundMessage[], delivered: boolean): Promise<void>;
  /** The stored replies, or undefined while the turn is still running (or never ran). */
  loadReplies(key: string): Promise<{ replies: OutboundMessage[]; delivered: boolean } | undefined>;
  /** True for the one party that should deliver replies that were not answered passively. */
  claimDelivery(key: string): Promise<boolean>;
}

const StoredRepliesSchema = z.object({ replies: z.array(OutboundMessageSchema), delivered: z.boolean() });

export function createReplyLedger(deps: { deduper: Deduper; sessions: SessionStore; ttlSeconds: number }): ReplyLedger {
  const { deduper, sessions, ttlSeconds } = deps;
  const deliverKey = (key: string) => `wechat-mp:deliver:${key}`;
  const replyKey = (key: string) => `wechat-mp:reply:${key}`;
  return {
    storeReplies: (key, replies, delivered) => sessions.set(replyKey(key), { replies, delivered }, ttlSeconds),
    async loadReplies(key) {
      const stored = StoredRepliesSchema.safeParse(await sessions.get(replyKey(key)));
      return stored.success ? stored.data : undefined;
    },
    claimDelivery: (key) => deduper.claim(deliverKey(key), ttlSeconds),
  };
}
