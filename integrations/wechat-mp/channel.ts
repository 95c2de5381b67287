import type { Bot } from '../../bot/bot';
import type { Logger } from '../../bot/logger';
import type { InboundMessage } from '../../bot/message';
import type { Clock, ConversationLock, Deduper, SessionStore } from '../../bot/ports';
import { createWechatOutbound, loadWechatOutboundConfig, type WechatOutbound } from './api';
import type { QueueRedisClient } from './api/bull-queue';
import type { InboundTrigger } from './api/window';
import type { WechatConfig } from './config';
import { createWechatWebhook, type WechatWebhook } from './webhook/router';

export interface WechatChannelDeps {
  config: Extract<WechatConfig, { enabled: true }>;
  env: Record<string, string | undefined>;
  bot: Bot;
  sessions: SessionStore;
  lock: ConversationLock;
  deduper: Deduper;
  clock: Clock;
  logger: Logger;
  redis?: { client: QueueRedisClient; keyPrefix: string };
}

export interface WechatChannel {
  webhook: WechatWebhook;
  outbound: WechatOutbound;
  close(): Promise<void>;
}

const TRIGGERS: Partial<Record<InboundMessage['kind'], InboundTrigger>> = { menu: 'menu', subscribe: 'subscribe' };

/**
 * The official-account channel: the webhook for inbound messages, and the platform API with its
 * queue for everything sent later. Every inbound message opens the 48-hour customer-service
 * window; an unfollow erases the resident's outbound state as the platform asks.
 */
export async function startWechatChannel(deps: WechatChannelDeps): Promise<WechatChannel> {
  const { config, logger } = deps;
  if (!config.appSecret) logger.warn('WECHAT_APPSECRET is not set: late replies and notifications cannot be sent');
  if (config.messageMode !== 'safe') {
    logger.warn({ mode: config.messageMode }, `WECHAT_MESSAGE_MODE is ${config.messageMode}: plain requests are accepted, and their signature does not cover the message; use safe mode in production`);
  }
  const outbound = await createWechatOutbound({
    appid: config.appId,
    secret: config.appSecret ?? '',
    apiBase: config.apiBase,
    store: deps.sessions,
    lock: deps.lock,
    clock: deps.clock,
    logger,
    ...loadWechatOutboundConfig(deps.env),
    redis: deps.redis,
  });
  const bot: Bot = {
    async handle(message) {
      if (message.kind === 'unsubscribe') await outbound.delivery.forget(message.userId);
      else await outbound.delivery.noteInbound(message.userId, message.receivedAt, TRIGGERS[message.kind] ?? 'message');
      return deps.bot.handle(message);
    },
  };
  const webhook = createWechatWebhook({
    options: {
      token: config.token,
      appId: config.appId,
      encodingAesKey: config.encodingAesKey,
      previousEncodingAesKey: config.previousEncodingAesKey,
      messageMode: config.messageMode,
      replyBudgetMs: config.replyBudgetMs,
      timestampWindowS: config.timestampWindowS,
      bodyLimitBytes: config.bodyLimitBytes,
      textLimitBytes: config.textLimitBytes,
    },
    bot,
    delivery: outbound.delivery,
    deduper: deps.deduper,
    sessions: deps.sessions,
    clock: deps.clock,
    logger,
  });
  return {
    webhook,
    outbound,
    close: async () => {
      await webhook.drain();
      await outbound.close();
    },
  };
}
