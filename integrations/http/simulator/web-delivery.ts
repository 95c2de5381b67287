import type { Context } from 'koa';
import { z } from 'zod';
import type { OutboundMessage } from '../../../bot/message';
import type { ChannelDelivery, ConversationAddress } from '../../../bot/ports';
import { createSseHub, type SseLimits } from '../sse';

/** Messages kept per user while no page is listening; older ones are dropped first. */
const BACKLOG_PER_USER = 20;
/** Users whose backlog is kept; the least recently written is dropped first. */
const BACKLOG_USERS = 500;

export const SimUserIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - or _');

/** The web channel's late-message delivery plus the event streams pages listen on. */
export interface WebDelivery {
  /** Register with the bot for channel 'web'. */
  delivery: ChannelDelivery;
  /**
   * Answers `ctx` with the Server-Sent Events stream of `userId` (event name `messages`), flushing
   * what was kept while no page listened. The caller has established who `userId` is.
   */
  open(ctx: Context, userId: string): void;
  /** Ends every open stream (call before closing the HTTP server). */
  close(): void;
  /** Open streams right now, for tests and metrics. */
  connections(): number;
}

/**
 * Pushes messages delivered outside a turn (late answers, agent replies, replies whose request
 * was cut off) to the simulator pages of that user over SSE; keeps a short backlog when no page
 * is connected and flushes it on connect. Streams are capped per user, per address and overall.
 */
export function createWebDelivery(limits: Partial<SseLimits> = {}): WebDelivery {
  const hub = createSseHub(limits);
  const backlog = new Map<string, OutboundMessage[]>();

  function keep(userId: string, messages: OutboundMessage[]): void {
    const kept = [...(backlog.get(userId) ?? []), ...messages].slice(-BACKLOG_PER_USER);
    backlog.delete(userId);
    backlog.set(userId, kept);
    while (backlog.size > BACKLOG_USERS) {
      const oldest = backlog.keys().next().value;
      if (oldest === undefined) break;
      backlog.delete(oldest);
    }
  }

  const delivery: ChannelDelivery = {
    async deliver(to: ConversationAddress, messages: OutboundMessage[]): Promise<void> {
      if (to.channel !== 'web') throw new Error(`web delivery: cannot deliver to channel "${to.channel}"`);
      if (messages.length === 0) return;
      let delivered = false;
      for (const stream of hub.streamsOf(to.userId)) delivered = stream.send('messages', { messages }) || delivered;
      if (!delivered) keep(to.userId, messages);
    },
  };

  return {
    delivery,
    open(ctx, userId) {
      const stream = hub.open(ctx, userId);
      const pending = backlog.get(userId);
      if (pending) {
        backlog.delete(userId);
        stream.send('messages', { messages: pending });
      }
    },
    close: () => hub.closeAll(),
    connections: () => hub.count(),
  };
}
