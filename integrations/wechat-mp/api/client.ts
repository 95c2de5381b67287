import type { z } from 'zod';
import type { Menu } from '../../../flows/menu';
import { INVALID_TOKEN_ERRCODES, WechatApiError } from './errors';
import { postJson, type HttpOptions } from './http';
import type { AccessTokenSource } from './token';
import {
  SendResultSchema,
  TemplateSendResultSchema,
  menuBody,
  type CustomMessage,
  type SubscribeMessage,
  type TemplateMessage,
} from './bodies';

/**
 * The WeChat platform API calls the assistant makes. Each call takes the shared access_token;
 * when the platform says the token is bad (40001/42001/40014) the client drops it, fetches
 * once more and retries the call once.
 */
export class WechatApiClient {
  readonly #http: HttpOptions;
  readonly #tokens: AccessTokenSource;

  constructor(options: { http: HttpOptions; tokens: AccessTokenSource }) {
    this.#http = options.http;
    this.#tokens = options.tokens;
  }

  /** A customer-service message (48 h window and per-resident quota apply). */
  async sendCustom(openid: string, message: CustomMessage): Promise<void> {
    await this.#call('custom/send', 'cgi-bin/message/custom/send', { touser: openid, ...message }, SendResultSchema);
  }

  /** A template message; returns the platform's msgid (its TEMPLATESENDJOBFINISH event names it). */
  async sendTemplate(openid: string, message: TemplateMessage): Promise<string> {
    const answer = await this.#call('template/send', 'cgi-bin/message/template/send', { touser: openid, ...message }, TemplateSendResultSchema);
    return answer.msgid;
  }

  /** A subscription notification the resident accepted (one-time or long-term template). */
  async sendSubscribe(openid: string, message: SubscribeMessage): Promise<void> {
    await this.#call('subscribe/bizsend', 'cgi-bin/message/subscribe/bizsend', { touser: openid, ...message }, SendResultSchema);
  }

  /** Replaces the bottom menu with `menu` (flows/menu.yaml). */
  async createMenu(menu: Menu): Promise<void> {
    await this.#call('menu/create', 'cgi-bin/menu/create', menuBody(menu), SendResultSchema);
  }

  async #call<S extends z.ZodType>(operation: string, path: string, body: unknown, schema: S): Promise<z.infer<S>> {
    const token = await this.#tokens.get();
    try {
      return await postJson(this.#http, operation, path, { access_token: token }, body, schema);
    } catch (err) {
      if (!(err instanceof WechatApiError) || err.errcode === undefined || !INVALID_TOKEN_ERRCODES.has(err.errcode)) throw err;
      await this.#tokens.invalidate(token);
      const fresh = await this.#tokens.get();
      return postJson(this.#http, operation, path, { access_token: fresh }, body, schema);
    }
  }
}
