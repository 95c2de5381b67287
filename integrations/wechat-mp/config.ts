import { z } from 'zod';
import { parseEnv, wholeNumber } from '../../bot/config';
import { DEDUPE_TTL_SECONDS } from '../../bot/stages/state';

/** How the platform sends messages (服务器配置 → 消息加解密方式): 明文, 兼容 or 安全. */
export const MessageModeSchema = z.enum(['plain', 'compatible', 'safe'], { error: 'one of plain, compatible, safe' });
export type MessageMode = z.infer<typeof MessageModeSchema>;

/**
 * The widest timestamp window: a replayed request is recognised only while the message id it
 * carries is remembered, and a timestamp stays acceptable for twice the window (from −W to +W).
 */
export const MAX_TIMESTAMP_WINDOW_S = Math.floor(DEDUPE_TTL_SECONDS / 2);

/**
 * WeChat official-account settings. The channel is enabled only when WECHAT_TOKEN is set; then
 * WECHAT_APPID is required too (it is checked inside every encrypted message).
 */
export const WechatEnvSchema = z
  .object({
    /** The Token entered in the admin console (服务器配置 → 令牌). */
    WECHAT_TOKEN: z.string().regex(/^[A-Za-z0-9]{3,32}$/, '3–32 letters or digits, as the admin console allows').optional(),
    WECHAT_APPID: z.string().regex(/^wx[0-9a-f]{16}$/i, 'an AppID like wx0123456789abcdef').optional(),
    WECHAT_APPSECRET: z.string().min(1).optional(),
    /** 消息加解密密钥: needed for compatible and safe modes. */
    WECHAT_ENCODING_AES_KEY: z.string().regex(/^[A-Za-z0-9]{43}$/, 'exactly 43 characters from [A-Za-z0-9]').optional(),
    /** The key before the last change, kept for a while after changing it in the admin console. */
    WECHAT_ENCODING_AES_KEY_PREVIOUS: z.string().regex(/^[A-Za-z0-9]{43}$/, 'exactly 43 characters from [A-Za-z0-9]').optional(),
    /**
     * The one message mode accepted: `safe` by default when a key is set (a plain request is a
     * downgrade and refused), `plain` without one; `compatible` accepts both, for switching modes.
     */
    WECHAT_MESSAGE_MODE: MessageModeSchema.optional(),
    WECHAT_API_BASE: z.url().default('https://api.weixin.qq.com'),
    /** How long a request waits for the bot before answering `success` (WeChat gives up after 5 s). */
    WECHAT_REPLY_BUDGET_MS: wholeNumber(50, 4800).default(4500),
    /** Requests whose timestamp is further than this from now are refused (replay protection). */
    WECHAT_TIMESTAMP_WINDOW_S: wholeNumber(1, MAX_TIMESTAMP_WINDOW_S).default(300),
    /** Largest accepted POST body in bytes. */
    WECHAT_BODY_LIMIT: wholeNumber(1024, 10 * 1024 * 1024).default(64 * 1024),
    /** Largest text reply in UTF-8 bytes; longer texts are split at line ends. */
    WECHAT_TEXT_LIMIT_BYTES: wholeNumber(64, 2048).default(2048),
  })
  .superRefine((env, ctx) => {
    if (env.WECHAT_TOKEN && !env.WECHAT_APPID) {
      ctx.addIssue({ code: 'custom', path: ['WECHAT_APPID'], message: 'required when WECHAT_TOKEN is set' });
    }
    if (env.WECHAT_ENCODING_AES_KEY_PREVIOUS && !env.WECHAT_ENCODING_AES_KEY) {
      ctx.addIssue({ code: 'custom', path: ['WECHAT_ENCODING_AES_KEY'], message: 'required when WECHAT_ENCODING_AES_KEY_PREVIOUS is set' });
    }
    const mode = env.WECHAT_MESSAGE_MODE;
    if ((mode === 'safe' || mode === 'compatible') && !env.WECHAT_ENCODING_AES_KEY) {
      ctx.addIssue({ code: 'custom', path: ['WECHAT_MESSAGE_MODE'], message: `${mode} mode asked but WECHAT_ENCODING_AES_KEY is not set (the 43-character 消息加解密密钥 from the admin console)` });
    }
    if (mode === 'plain' && env.WECHAT_ENCODING_AES_KEY_PREVIOUS) {
      ctx.addIssue({ code: 'custom', path: ['WECHAT_MESSAGE_MODE'], message: 'plain mode asked but WECHAT_ENCODING_AES_KEY_PREVIOUS is set: plain mode decrypts nothing; remove the previous key or choose compatible or safe' });
    }
  });
export type WechatEnv = z.infer<typeof WechatEnvSchema>;

export type WechatConfig =
  | { enabled: false }
  | {
      enabled: true;
      token: string;
      appId: string;
      appSecret?: string;
      encodingAesKey?: string;
      previousEncodingAesKey?: string;
      messageMode: MessageMode;
      apiBase: string;
      replyBudgetMs: number;
      timestampWindowS: number;
      bodyLimitBytes: number;
      textLimitBytes: number;
    };

export function loadWechatConfig(env: Record<string, string | undefined> = process.env): WechatConfig {
  const e = parseEnv(WechatEnvSchema, env);
  if (!e.WECHAT_TOKEN || !e.WECHAT_APPID) return { enabled: false };
  return {
    enabled: true,
    token: e.WECHAT_TOKEN,
    appId: e.WECHAT_APPID,
    ...(e.WECHAT_APPSECRET ? { appSecret: e.WECHAT_APPSECRET } : {}),
    ...(e.WECHAT_ENCODING_AES_KEY ? { encodingAesKey: e.WECHAT_ENCODING_AES_KEY } : {}),
    ...(e.WECHAT_ENCODING_AES_KEY_PREVIOUS ? { previousEncodingAesKey: e.WECHAT_ENCODING_AES_KEY_PREVIOUS } : {}),
    messageMode: e.WECHAT_MESSAGE_MODE ?? (e.WECHAT_ENCODING_AES_KEY ? 'safe' : 'plain'),
    apiBase: e.WECHAT_API_BASE,
    replyBudgetMs: e.WECHAT_REPLY_BUDGET_MS,
    timestampWindowS: e.WECHAT_TIMESTAMP_WINDOW_S,
    bodyLimitBytes: e.WECHAT_BODY_LIMIT,
    textLimitBytes: e.WECHAT_TEXT_LIMIT_BYTES,
  };
}
