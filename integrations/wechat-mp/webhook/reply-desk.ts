import type { Context } from 'koa';
import type { Logger } from '../../../bot/logger';
import type { InboundMessage, OutboundMessage } from '../../../bot/message';
import type { ChannelDelivery, ConversationAddress } from '../../../bot/ports';
import type { ReplyLedger } from './ledger';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves true once the response has been handed to the connection, false if it closed first. */
function responseFlushed(ctx: Context): Promise<boolean> {
  const res = ctx.res;
  if (res.writableFinished) return Promise.resolve(true);
  if (res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    res.once('finish', () => resolve(true));
    res.once('close', () => resolve(res.writableFinished));
  });
}

function addressOf(message: InboundMessage): ConversationAddress {
  return { channel: 'wechat-mp', userId: message.userId, conversationId: message.conversationId };
}

export interface ReplyDeskDeps {
  ledger: ReplyLedger;
  /** The customer-service path (the outbound queue). */
  delivery: ChannelDelivery;
  logger: Logger;
  /** Runs work after the response, so `drain()` can wait for it. */
  track(work: Promise<unknown>): void;
  /** How often a retry looks for the first attempt's replies. */
  pollMs: number;
}

/**
 * How one turn's replies reach the resident exactly once: passively in the HTTP response that
 * carried the message or a retry of it, or through the customer-service path, with the ledger
 * deciding who sends what across retries and instances.
 */
export function createReplyDesk({ ledger, delivery, logger, track, pollMs }: ReplyDeskDeps) {
  /**
   * The head goes in the HTTP response. Once that response has been flushed the reply is marked
   * sent and the rest follows (in order, after the head); if the connection closed first, every
   * reply goes through the customer-service path instead, so none is lost or sent twice.
   */
  function passive(ctx: Context, message: InboundMessage, replies: OutboundMessage[]): OutboundMessage | undefined {
    const [head, ...rest] = replies;
    if (!head) return undefined;
    track(
      responseFlushed(ctx).then(async (flushed) => {
        if (!flushed) {
          logger.warn({ msgId: message.id, replies: replies.length }, 'connection closed before the passive reply was sent; sending it as customer-service messages');
          return delivery.deliver(addressOf(message), replies);
        }
        const marked = ledger.storeReplies(message.id, replies, 'sent').catch((error: unknown) => logger.warn({ err: error, msgId: message.id }, 'could not mark the passive reply sent'));
        if (rest.length > 0) await delivery.deliver(addressOf(message), rest);
        await marked;
      }),
    );
    return head;
  }

  return {
    passive,

    /** The budget ran out: the replies wait in the ledger for a retry, or go out through the API. */
    async deliverLater(message: InboundMessage, replies: OutboundMessage[]): Promise<void> {
      await ledger.storeReplies(message.id, replies, 'open');
      if (replies.length === 0 || !(await ledger.claimDelivery(message.id))) return;
      await delivery.deliver(addressOf(message), replies);
    },

    /** The first attempt's replies once stored, or undefined when `remaining()` runs out first. */
    async waitForStored(key: string, remaining: () => number) {
      for (;;) {
        const stored = await ledger.loadReplies(key);
        if (stored) return stored;
        const left = remaining();
        if (left <= 0) return undefined;
        await sleep(Math.min(pollMs, left));
      }
    },

    /** A retry picks up replies nobody answered passively yet, if it is the one to claim them. */
    async pickUp(ctx: Context, message: InboundMessage, stored: Awaited<ReturnType<ReplyLedger['loadReplies']>>): Promise<OutboundMessage | undefined> {
      if (!stored || stored.state !== 'open' || stored.replies.length === 0 || !(await ledger.claimDelivery(message.id))) return undefined;
      return passive(ctx, message, stored.replies);
    },
  };
}
