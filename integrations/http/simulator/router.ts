import { randomUUID } from 'node:crypto';
import { Router } from '@koa/router';
import { z } from 'zod';
import type { Bot } from '../../../bot/bot';
import type { InboundMessage } from '../../../bot/message';
import type { Clock, ConversationAddress } from '../../../bot/ports';
import type { Menu } from '../../../flows/menu';
import { describeIssues, readJsonBody } from '../body';
import { HttpError } from '../errors';
import { publicOrigin, requireAllowedHost, sameOriginWrites } from '../security';
import { issueSimUser, ownSimUser, simulatorIdentity } from './identity';
import { SimUserIdSchema, type WebDelivery } from './web-delivery';

/** The account name shown in the simulator's title bar, before the city name. */
export const ACCOUNT_NAME = '城市办事助手';

const coordinates = {
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
};
/** Pages need not name their user (the cookie does); when they do, it must be their own. */
const claimed = { userId: SimUserIdSchema.optional() };

/** What the simulator page posts: one resident action, as the WeChat client would send it. */
export const SimMessageSchema = z.discriminatedUnion('kind', [
  z.object({ ...claimed, kind: z.literal('text'), text: z.string().trim().min(1).max(2000) }),
  z.object({ ...claimed, kind: z.literal('menu'), key: z.string().min(1).max(128) }),
  z.object({ ...claimed, kind: z.literal('location'), ...coordinates, label: z.string().max(200).optional() }),
  /** `url` may be relative to the page ("demo-photo.svg"); the server makes it absolute. */
  z.object({ ...claimed, kind: z.literal('image'), url: z.string().min(1).max(2000) }),
  /** `text` stands for the platform's speech recognition of the voice message. */
  z.object({ ...claimed, kind: z.literal('voice'), text: z.string().max(2000).optional() }),
  z.object({ ...claimed, kind: z.literal('subscribe') }),
]);
export type SimMessage = z.infer<typeof SimMessageSchema>;

const EventsQuerySchema = z.object(claimed);

/** Builds the channel-agnostic message for one simulator action (channel 'web'). */
export function toInbound(sim: SimMessage, userId: string, now: number, id: string = randomUUID()): InboundMessage {
  const base = { id: `web-${id}`, channel: 'web' as const, userId, conversationId: `web:${userId}`, receivedAt: now };
  switch (sim.kind) {
    case 'text':
      return { ...base, kind: 'text', text: sim.text };
    case 'menu':
      return { ...base, kind: 'menu', key: sim.key };
    case 'location':
      return { ...base, kind: 'location', latitude: sim.latitude, longitude: sim.longitude, label: sim.label };
    case 'image':
      return { ...base, kind: 'image', url: sim.url };
    case 'voice':
      return { ...base, kind: 'voice', recognition: sim.text };
    case 'subscribe':
      return { ...base, kind: 'subscribe' };
  }
}

/** An image link made absolute against the checked origin; only http(s). */
function absoluteImageUrl(url: string, origin: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url, `${origin}/`);
  } catch {
    throw new HttpError(400, 'invalid_body', 'url: not a URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new HttpError(400, 'invalid_body', 'url: http or https only');
  return parsed.href;
}

export interface SimulatorRouterOptions {
  bot: Bot;
  menu: Menu;
  cityName: string;
  clock: Clock;
  /** Host names the pages answer to besides IP addresses and localhost (HTTP_ALLOWED_HOSTS). */
  allowedHosts?: readonly string[];
  /** Late messages over SSE (`GET /api/sim/events`), and replies whose request was cut off. */
  webDelivery?: WebDelivery;
  bodyLimitBytes?: number;
}

/**
 * The simulator API, for the page's own user only (a signed HttpOnly cookie says who that is):
 * `GET /api/sim/session` that user, `POST /api/sim/session` a new one (新用户),
 * `POST /api/sim/messages` one turn with its replies, `GET /api/sim/events` the late messages
 * (SSE), `GET /api/sim/menu` the bottom menu, `GET /api/sim/account` the title-bar name.
 */
export function createSimulatorRouter(options: SimulatorRouterOptions): Router {
  const allowed = options.allowedHosts ?? [];
  const router = new Router({ prefix: '/api/sim' });
  router.use(requireAllowedHost(allowed), sameOriginWrites());
  // Only the routes that act as a user read (or issue) the identity, so parallel page loads do not race for it.
  const identity = simulatorIdentity();
  router.use(async (ctx, next) => {
    ctx.set('Cache-Control', 'no-store');
    await next();
  });

  router.get('/account', (ctx) => {
    ctx.body = { name: ACCOUNT_NAME, city: options.cityName };
  });
  router.get('/menu', (ctx) => {
    ctx.body = options.menu;
  });
  router.get('/session', identity, (ctx) => {
    ctx.body = { userId: ownSimUser(ctx, undefined) };
  });
  router.post('/session', (ctx) => {
    ctx.body = { userId: issueSimUser(ctx) };
  });

  router.post('/messages', identity, async (ctx) => {
    const sim = await readJsonBody(ctx, SimMessageSchema, options.bodyLimitBytes);
    const userId = ownSimUser(ctx, sim.userId);
    const message = sim.kind === 'image' ? { ...sim, url: absoluteImageUrl(sim.url, publicOrigin(ctx, allowed)) } : sim;
    const result = await options.bot.handle(toInbound(message, userId, options.clock.now()));
    if (!ctx.writable && options.webDelivery) {
      // The page went away mid-turn (a closed tab, a dropped connection): its stream gets the replies.
      const to: ConversationAddress = { channel: 'web', userId, conversationId: `web:${userId}` };
      await options.webDelivery.delivery.deliver(to, result.replies);
      return;
    }
    ctx.body = { replies: result.replies };
  });

  const webDelivery = options.webDelivery;
  if (webDelivery) {
    router.get('/events', identity, (ctx) => {
      const query = EventsQuerySchema.safeParse(ctx.query);
      if (!query.success) throw new HttpError(400, 'invalid_query', describeIssues(query.error));
      webDelivery.open(ctx, ownSimUser(ctx, query.data.userId));
    });
  }
  return router;
}
