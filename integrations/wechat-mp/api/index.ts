import type { Logger } from '../../../bot/logger';
import type { Clock, ConversationLock, HealthCheck, SessionStore } from '../../../bot/ports';
import { BullOutboundQueue, type QueueRedisClient } from './bull-queue';
import { WechatApiClient } from './client';
import { WechatDelivery } from './delivery';
import { HeldMessages } from './held';
import type { SubscriptionMappings, TemplateMappings } from './notification';
import { MemoryOutboundQueue, type OutboundQueue, type RetryPolicy } from './queue';
import { OutboundSender } from './sender';
import { StableTokenProvider } from './token';
import { CustomerServiceWindow } from './window';

export { WechatApiClient } from './client';
export { WechatApiError } from './errors';
export { StableTokenProvider, type AccessTokenSource } from './token';
export { WechatDelivery, renderOutbound } from './delivery';
export { NotificationSchema, type Notification, type TemplateMappings } from './notification';
export { MemoryOutboundQueue, type OutboundQueue, type FailedJob } from './queue';
export { BullOutboundQueue } from './bull-queue';
export { CustomerServiceWindow, type InboundTrigger } from './window';
export { loadWechatOutboundConfig, WechatOutboundEnvSchema } from './config';
export { menuBody } from './bodies';

export interface WechatOutboundOptions {
  appid: string;
  secret: string;
  apiBase: string;
  timeoutMs?: number;
  /** Shared state (Redis ports in production): token cache, windows, held messages. */
  store: SessionStore;
  lock: ConversationLock;
  clock: Clock;
  logger: Logger;
  templates?: TemplateMappings;
  /** Subscription notifications (tried before templates when the 48 h window is closed). */
  subscriptions?: SubscriptionMappings;
  retry?: Partial<RetryPolicy>;
  /** With Redis the queue is BullMQ (survives restarts); without, the embedded in-memory queue. */
  redis?: { client: QueueRedisClient; keyPrefix: string; orderCheckMs?: number };
}

export interface WechatOutbound {
  client: WechatApiClient;
  delivery: WechatDelivery;
  queue: OutboundQueue;
  window: CustomerServiceWindow;
  /** Readiness of the queue's own Redis connections (none for the in-memory queue). */
  health: HealthCheck[];
  close(): Promise<void>;
}

/** Wires token, client, window, held messages, queue and delivery for the composition root. */
export async function createWechatOutbound(o: WechatOutboundOptions): Promise<WechatOutbound> {
  const http = { base: o.apiBase, timeoutMs: o.timeoutMs };
  const tokens = new StableTokenProvider({ appid: o.appid, secret: o.secret, http, store: o.store, lock: o.lock, clock: o.clock });
  const client = new WechatApiClient({ http, tokens });
  const window = new CustomerServiceWindow({ store: o.store, lock: o.lock, clock: o.clock });
  const held = new HeldMessages({ store: o.store, lock: o.lock, clock: o.clock, logger: o.logger });
  const sender = new OutboundSender({ client, window, held, templates: o.templates ?? {}, subscriptions: o.subscriptions ?? {}, logger: o.logger, clock: o.clock });
  const queue: OutboundQueue = o.redis
    ? await BullOutboundQueue.start({ redis: o.redis.client, keyPrefix: o.redis.keyPrefix, process: sender.process, logger: o.logger, retry: o.retry, orderCheckMs: o.redis.orderCheckMs })
    : new MemoryOutboundQueue({ process: sender.process, logger: o.logger, retry: o.retry });
  const delivery = new WechatDelivery({ queue, window, held, workOrderTemplate: o.templates?.['work-order-reply'] !== undefined });
  const health = queue instanceof BullOutboundQueue ? [queue.health] : [];
  return { client, delivery, queue, window, health, close: () => queue.close() };
}
