import { PassThrough } from 'node:stream';
import { Router } from '@koa/router';
import { z } from 'zod';
import type { OutboundMessage } from '../../../bot/message';
import type { ChannelDelivery, ConversationAddress } from '../../../bot/ports';
import { describeIssues } from '../body';
import { HttpError } from '../errors';

/** Messages kept per user while no page is listening; older ones are dropped first. */
const BACKLOG_PER_USER = 20;
/** Users whose backlog is kept; the least recently written is dropped first. */
const BACKLOG_USERS = 500;
/** A comment line every so often keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 25_000;

export const SimUserIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - or _');

const EventsQuerySchema = z.object({ userId: SimUserIdSchema });

/** The web channel's late-message delivery plus the SSE route pages listen on. */
export interface WebDelivery {
  /** Register with the bot for channel 'web'. */
  delivery: ChannelDelivery;
  /** Serves `GET /api/sim/events?userId=` (Server-Sent Events, event name `messages`). */
  router: Router;
  /** Ends every open stream (call before closing the HTTP server). */
  close(): void;
  /** Open streams right now, for tests and metrics. */
  connections(): number;
}

function frame(messages: OutboundMessage[]): string {
  return `event: messages\ndata: ${JSON.stringify({ messages })}\n\n`;
}

/**
 * Pushes messages delivered outside a turn (late answers, agent replies) to the simulator pages of
 * that user over SSE; keeps a short backlog when no page is connected and flushes it on connect.
 */
export function createWebDelivery(): WebDelivery {
  const clients = new Map<string, Set<PassThrough>>();
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
      const open = clients.get(to.userId);
      if (!open || open.size === 0) {
        keep(to.userId, messages);
        return;
      }
      const text = frame(messages);
      for (const stream of open) stream.write(text);
    },
  };

  const router = new Router();
  router.get('/api/sim/events', (ctx) => {
    const query = EventsQuerySchema.safeParse(ctx.query);
    if (!query.success) throw new HttpError(400, 'invalid_query', describeIssues(query.error));
    const { userId } = query.data;

    const stream = new PassThrough();
    const set = clients.get(userId) ?? new Set<PassThrough>();
    set.add(stream);
    clients.set(userId, set);

    ctx.req.socket.setTimeout(0);
    ctx.req.socket.setNoDelay(true);
    ctx.status = 200;
    ctx.type = 'text/event-stream; charset=utf-8';
    ctx.set('Cache-Control', 'no-cache, no-transform');
    ctx.set('X-Accel-Buffering', 'no');
    ctx.body = stream;

    stream.write('retry: 3000\n: connected\n\n');
    const pending = backlog.get(userId);
    if (pending) {
      backlog.delete(userId);
      stream.write(frame(pending));
    }

    const heartbeat = setInterval(() => stream.write(': ping\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    const detach = (): void => {
      clearInterval(heartbeat);
      set.delete(stream);
      if (set.size === 0 && clients.get(userId) === set) clients.delete(userId);
      stream.end();
    };
    ctx.res.once('close', detach);
    stream.once('close', detach);
  });

  return {
    delivery,
    router,
    close() {
      for (const set of clients.values()) for (const stream of set) stream.end();
      clients.clear();
    },
    connections() {
      let n = 0;
      for (const set of clients.values()) n += set.size;
      return n;
    },
  };
}
