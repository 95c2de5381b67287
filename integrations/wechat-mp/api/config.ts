import { z } from 'zod';
import { parseEnv, wholeNumber } from '../../../bot/config';
import { TemplateMappingsSchema, type TemplateMappings } from './notification';
import type { RetryPolicy } from './queue';

const TemplatesJsonSchema = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not valid JSON' });
      return z.NEVER;
    }
  })
  .pipe(TemplateMappingsSchema);

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
  /** Tries per outbound batch before it is reported as failed. */
  WECHAT_SEND_ATTEMPTS: wholeNumber(1, 20).default(8),
  /** First retry delay; doubles on each try. */
  WECHAT_SEND_BACKOFF_MS: wholeNumber(10, 600_000).default(1000),
});

export interface WechatOutboundConfig {
  templates: TemplateMappings;
  retry: RetryPolicy;
}

export function loadWechatOutboundConfig(env: Record<string, string | undefined> = process.env): WechatOutboundConfig {
  const e = parseEnv(WechatOutboundEnvSchema, env);
  return { templates: e.WECHAT_TEMPLATES, retry: { attempts: e.WECHAT_SEND_ATTEMPTS, backoffMs: e.WECHAT_SEND_BACKOFF_MS } };
}
