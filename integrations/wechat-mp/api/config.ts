import { z } from 'zod';
import { parseEnv, wholeNumber } from '../../../bot/config';
import { SubscriptionMappingsSchema, TemplateMappingsSchema, type SubscriptionMappings, type TemplateMappings } from './notification';
import type { RetryPolicy } from './queue';

const json = z.string().transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not valid JSON' });
    return z.NEVER;
  }
});
const TemplatesJsonSchema = json.pipe(TemplateMappingsSchema);
const SubscriptionsJsonSchema = json.pipe(SubscriptionMappingsSchema);

/**
 * Settings of the outbound side (the rest — WECHAT_APPID, WECHAT_APPSECRET, WECHAT_API_BASE —
 * is in ../config.ts).
 */
export const WechatOutboundEnvSchema = z.object({
  /**
   * Template messages used when the 48 h window is closed, per notification kind, as JSON:
   * `{"booking-reminder":{"templateId":"…","fields":{"service":"thing1","time":"time2","place":"thing3"}}}`.
   */
  WECHAT_TEMPLATES: TemplatesJsonSchema.default({}),
  /**
   * Subscription notifications (订阅通知) residents accept in the account, per kind, as JSON:
   * `{"booking-reminder":{"templateId":"…","fields":{"service":"thing1","time":"time2","place":"thing3"},"page":"https://…"}}`.
   * Tried before templates when the 48 h window is closed; the platform refuses it (43101) for a resident who has not accepted.
   */
  WECHAT_SUBSCRIBE_TEMPLATES: SubscriptionsJsonSchema.default({}),
  /** Tries per outbound batch before it is reported as failed. */
  WECHAT_SEND_ATTEMPTS: wholeNumber(1, 20).default(8),
  /** First retry delay; doubles on each try. */
  WECHAT_SEND_BACKOFF_MS: wholeNumber(10, 600_000).default(1000),
});

export interface WechatOutboundConfig {
  templates: TemplateMappings;
  subscriptions: SubscriptionMappings;
  retry: RetryPolicy;
}

export function loadWechatOutboundConfig(env: Record<string, string | undefined> = process.env): WechatOutboundConfig {
  const e = parseEnv(WechatOutboundEnvSchema, env);
  return { templates: e.WECHAT_TEMPLATES, subscriptions: e.WECHAT_SUBSCRIBE_TEMPLATES, retry: { attempts: e.WECHAT_SEND_ATTEMPTS, backoffMs: e.WECHAT_SEND_BACKOFF_MS } };
}
