import { z } from 'zod';
import { parseEnv } from '../../bot/config';

/** Puppets that automate a personal WeChat account through unofficial protocols (ban risk). */
const PERSONAL_WECHAT_PUPPETS = new Set([
  'wechaty-puppet-wechat',
  'wechaty-puppet-wechat4u',
  'wechaty-puppet-padlocal',
  'wechaty-puppet-xp',
]);

/** Settings of the Wechaty channel. The channel is off unless `WECHATY_PUPPET` is set. */
export const WechatyConfigSchema = z.object({
  /** npm name of the puppet, e.g. `wechaty-puppet-service` (a WeCom puppet behind a token). */
  WECHATY_PUPPET: z
    .string()
    .regex(/^(@[a-z0-9-]+\/)?wechaty-puppet-[a-z0-9-]+$/, 'an npm puppet name such as wechaty-puppet-service')
    .optional(),
  /** Token of a puppet service provider (WeCom/WorkPro, PadLocal …). */
  WECHATY_PUPPET_SERVICE_TOKEN: z.string().min(1).optional(),
  /** host:port of the puppet service; skips token discovery through api.chatie.io. */
  WECHATY_PUPPET_SERVICE_ENDPOINT: z.string().min(1).optional(),
  /** Wechaty instance name; also names the session file `<name>.memory-card.json` in the working directory. */
  WECHATY_NAME: z.string().regex(/^[a-zA-Z0-9_-]+$/, 'letters, digits, - or _').default('banshi'),
});
export type WechatyConfig = z.infer<typeof WechatyConfigSchema>;

export function loadWechatyConfig(env: Record<string, string | undefined> = process.env): WechatyConfig {
  return parseEnv(WechatyConfigSchema, env);
}

/** The channel runs only when a puppet is configured. */
export function wechatyEnabled(config: WechatyConfig): boolean {
  return config.WECHATY_PUPPET !== undefined;
}

/** True for puppets that drive a personal WeChat account (unofficial protocol; not for production). */
export function isPersonalWechatPuppet(puppet: string): boolean {
  return PERSONAL_WECHAT_PUPPETS.has(puppet);
}
