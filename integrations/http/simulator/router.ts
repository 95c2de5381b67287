import { randomUUID } from 'node:crypto';
import { Router } from '@koa/router';
import { z } from 'zod';
import type { Bot } from '../../../bot/bot';
import type { InboundMessage } from '../../../bot/message';
import type { Clock } from '../../../bot/ports';
import type { Menu } from '../../../flows/menu';
import { readJsonBody } from '../body';
import { SimUserIdSchema } from './web-delivery';

/** The account name shown in the simulator's title bar, before the city name. */
export const ACCOUNT_NAME = '城市办事助手';

const coordinates = {
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
};

/** What the simulator page posts: one resident action, as the WeChat client would send it. */
export const SimMessageSchema = z.discriminatedUnion('kind', [
  z.object({ userId: SimUserIdSchema, kind: z.literal('text'), text: z.string().trim().min(1).max(2000) }),
  z.object({ userId: SimUserIdSchema, kind: z.literal('menu'), key: z.string().min(1).max(128) }),
  z.object({ userId: SimUserIdSchema, kind: z.literal('location'), ...coordinates, label: z.string().max(200).optional() }),
  z.object({ userId: SimUserIdSchema, kind: z.literal('image'), url: z.string().min(1).max(2000) }),
  /** `text` stands for the platform's speech recognition of the voice message. */
  z.object({ userId: SimUserIdSchema, kind: z.literal('voice'), text: z.string().max(2000).optional() }),
  z.object({ userId: SimUserIdSchema, kind: z.literal('subscribe') }),
]);
export type SimMessage = z.infer<typeof SimMessageSchema>;

/** Builds the channel-agnostic message for one simulator action (channel 'web'). */
export function toInbound(sim: SimMessage, now: number, id: string = randomUUID()): InboundMessage {
  const base = { id: `web-${id}`, channel: 'web' as const, userId: sim.userId, conversationId: `web:${sim.userId}`, receivedAt: now };
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

export interface SimulatorRouterOptions {
  bot: Bot;
  menu: Menu;
  cityName: string;
  clock: Clock;
  bodyLimitBytes?: number;
}

/**
 * The simulator API: `POST /api/sim/messages` runs one turn and answers its replies,
 * `GET /api/sim/menu` the bottom menu, `GET /api/sim/account` the title-bar name.
 */
export function createSimulatorRouter(options: SimulatorRouterOptions): Router {
  const router = new Router({ prefix: '/api/sim' });
  router.get('/account', (ctx) => {
    ctx.body = { name: ACCOUNT_NAME, city: options.cityName };
  });
  router.get('/menu', (ctx) => {
    ctx.body = options.menu;
  });
  router.post('/messages', async (ctx) => {
    const sim = await readJsonBody(ctx, SimMessageSchema, options.bodyLimitBytes);
    const result = await options.bot.handle(toInbound(sim, options.clock.now()));
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { replies: result.replies };
  });
  return router;
}
