import { z } from 'zod';
import { OutboundMessageSchema, type OutboundMessage } from '../../../bot/message';
import type { Deduper, SessionStore } from '../../../bot/ports';

/**
 * Where a turn's replies stand: `sending` — the attempt that ran the turn is answering them in
 * its HTTP response (and falls back to the customer-service API if that response never leaves);
 * `open` — nobody answered them passively yet (the budget ran out), so a retry may, after
 * `claimDelivery`; `sent` — the passive reply was flushed to the connection.
 */
export const LedgerStateSchema = z.enum(['sending', 'open', 'sent']);
export type LedgerState = z.infer<typeof LedgerStateSchema>;

/**
 * Exactly-once bookkeeping for one WeChat message across the platform's retries and across app
 * instances. Which attempt runs the turn is decided by the runtime's own de-duplication (a
 * duplicate `bot.handle` runs nothing); the ledger keeps the finished replies for a while with
 * their state, and a claim so that replies nobody answered passively go out once — passively by
 * a retry that finds them in time, or through the customer-service path.
 */
export interface ReplyLedger {
  /** One write: the replies and where they stand. */
  storeReplies(key: string, replies: OutboundMessage[], state: LedgerState): Promise<void>;
  /** The stored replies, or undefined while the turn is still running (or never ran). */
  loadReplies(key: string): Promise<{ replies: OutboundMessage[]; state: LedgerState } | undefined>;
  /** True for the one party that should deliver replies stored as `open`. */
  claimDelivery(key: string): Promise<boolean>;
}

const StoredRepliesSchema = z.object({ replies: z.array(OutboundMessageSchema), state: LedgerStateSchema });

export function createReplyLedger(deps: { deduper: Deduper; sessions: SessionStore; ttlSeconds: number }): ReplyLedger {
  const { deduper, sessions, ttlSeconds } = deps;
  const deliverKey = (key: string) => `wechat-mp:deliver:${key}`;
  const replyKey = (key: string) => `wechat-mp:reply:${key}`;
  return {
    storeReplies: (key, replies, state) => sessions.set(replyKey(key), { replies, state }, ttlSeconds),
    async loadReplies(key) {
      const stored = StoredRepliesSchema.safeParse(await sessions.get(replyKey(key)));
      return stored.success ? stored.data : undefined;
    },
    claimDelivery: (key) => deduper.claim(deliverKey(key), ttlSeconds),
  };
}
