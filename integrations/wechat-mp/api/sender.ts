import type { Logger } from '../../../bot/logger';
import type { WechatApiClient } from './client';
import { ERR_QUOTA_EXCEEDED, ERR_SUBSCRIPTION_REFUSED, ERR_WINDOW_CLOSED, WechatApiError } from './errors';
import type { HeldMessages } from './held';
import { notificationSubscription, notificationTemplate, type SubscriptionMappings, type TemplateMappings } from './notification';
import type { Clock } from '../../../bot/ports';
import { maskOpenid, type OutboundJob, type OutboundJobContext } from './queue';
import type { CustomerServiceWindow } from './window';

/**
 * Sends one batch: each item through the customer-service API while the resident's window and
 * quota allow; once they do not (our count, or the platform's 45015/45047), a notification goes
 * as the subscription notification the resident accepted (WECHAT_SUBSCRIBE_TEMPLATES; the
 * platform refuses it with 43101 when they have not), else as its template message when one is
 * configured; anything else is held until the resident writes again. Nothing is dropped, except a
 * notification past its `expiresAt` (a reminder once the appointment began), which is logged.
 */
export class OutboundSender {
  readonly #client: WechatApiClient;
  readonly #window: CustomerServiceWindow;
  readonly #held: HeldMessages;
  readonly #templates: TemplateMappings;
  readonly #subscriptions: SubscriptionMappings;
  readonly #logger: Logger;
  readonly #clock: Clock;

  constructor(options: { client: WechatApiClient; window: CustomerServiceWindow; held: HeldMessages; templates: TemplateMappings; subscriptions?: SubscriptionMappings; logger: Logger; clock?: Clock }) {
    this.#client = options.client;
    this.#window = options.window;
    this.#held = options.held;
    this.#templates = options.templates;
    this.#subscriptions = options.subscriptions ?? {};
    this.#logger = options.logger;
    this.#clock = options.clock ?? { now: () => Date.now() };
  }

  readonly process = async (job: OutboundJob, ctx: OutboundJobContext): Promise<void> => {
    for (let i = job.sent; i < job.items.length; i++) {
      const item = job.items[i];
      if (!item) break;
      const reservation = await this.#window.reserve(job.openid);
      if (!reservation) return this.#fallback(job, i, ctx, 'window closed or quota used');
      try {
        await this.#client.sendCustom(job.openid, item);
      } catch (err) {
        // The platform did not take it: give the quota back (a timed-out send may have gone; 45047 corrects us then).
        await this.#window.refund(job.openid, reservation);
        if (err instanceof WechatApiError && err.errcode === ERR_WINDOW_CLOSED) {
          await this.#window.close(job.openid);
          return this.#fallback(job, i, ctx, 'platform: 45015 outside the 48 h window');
        }
        if (err instanceof WechatApiError && err.errcode === ERR_QUOTA_EXCEEDED) {
          await this.#window.exhaust(job.openid);
          return this.#fallback(job, i, ctx, 'platform: 45047 quota used up');
        }
        throw err;
      }
      await ctx.saveProgress(i + 1);
    }
  };

  async #fallback(job: OutboundJob, from: number, ctx: OutboundJobContext, why: string): Promise<void> {
    const resident = maskOpenid(job.openid);
    const n = job.notification;
    if (n && 'expiresAt' in n && n.expiresAt !== undefined && this.#clock.now() >= n.expiresAt) {
      this.#logger.info({ resident, kind: n.kind, why }, 'wechat-mp outbound: notification past its time, not sent');
      return ctx.saveProgress(job.items.length);
    }
    const subscription = n ? notificationSubscription(n, this.#subscriptions) : undefined;
    if (n && subscription) {
      try {
        await this.#client.sendSubscribe(job.openid, subscription);
        this.#logger.info({ resident, kind: n.kind, why }, 'wechat-mp outbound: sent as subscription notification');
        return ctx.saveProgress(job.items.length);
      } catch (err) {
        if (!(err instanceof WechatApiError && err.errcode === ERR_SUBSCRIPTION_REFUSED)) throw err;
        this.#logger.info({ resident, kind: n.kind }, 'wechat-mp outbound: the resident has not accepted this subscription notification');
      }
    }
    const template = job.notification ? notificationTemplate(job.notification, this.#templates) : undefined;
    if (job.notification && template) {
      const msgid = await this.#client.sendTemplate(job.openid, template);
      this.#logger.info({ resident, kind: job.notification.kind, msgid, why }, 'wechat-mp outbound: sent as template message');
    } else {
      await this.#held.hold(job.openid, { items: job.items.slice(from), notification: job.notification });
      this.#logger.warn({ resident, items: job.items.length - from, why }, 'wechat-mp outbound: held until the resident writes again');
    }
    await ctx.saveProgress(job.items.length);
  }
}
