import { z } from 'zod';
import { OutboundMessageSchema, type OutboundMessage } from '../../../bot/message';
import type { Deduper, SessionStore } from '../../../bot/ports';

/**
 * Exactly-once bookkeeping for one WeChat message across the platform's retries and across app
 * instances: a claim to run the turn, the finished replies kept for a short while, and a claim
 * to deliver them (passively by whichever attempt holds them in time, or by the customer-service
 * path), so a turn runs once and its replies go out once.
 */
export interface ReplyLedger {
  /** True for the one attempt that should run the turn. */
  claimTurn(key: string): Promise<boolean>;
  /** Gives up the turn claim after a failure, so a retry may run it. */
  releaseTurn(key: string): Promise<void>;
  storeReplies(key: string, replies: OutboundMessage[]): Promise<void>;
  /** The stored replies, or undefined while the turn is still running (or never ran). */
  loadReplies(key: string): Promise<OutboundMessage[] | undefined>;
  /** True for the one party that should deliver the replies. */
  claimDelivery(key: string): Promise<boolean>;
}

const StoredRepliesSchema = z.object({ replies: z.array(OutboundMessageSchema) });

export function createReplyLedger(deps: { deduper: Deduper; sessions: SessionStore; ttlSeconds: number }): ReplyLedger {
  const { deduper, sessions, ttlSeconds } = deps;
  const turnKey = (key: string) => `wechat-mp:turn:${key}`;
  const deliverKey = (key: string) => `wechat-mp:deliver:${key}`;
  const replyKey = (key: string) => `wechat-mp:reply:${key}`;
  return {
    claimTurn: (key) => deduper.claim(turnKey(key), ttlSeconds),
    releaseTurn: (key) => deduper.release(turnKey(key)),
    storeReplies: (key, replies) => sessions.set(replyKey(key), { replies }, ttlSeconds),
    async loadReplies(key) {
      const stored = StoredRepliesSchema.safeParse(await sessions.get(replyKey(key)));
      return stored.success ? stored.data.replies : undefined;
    },
    claimDelivery: (key) => deduper.claim(deliverKey(key), ttlSeconds),
  };
}
