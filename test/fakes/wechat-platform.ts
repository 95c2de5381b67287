import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { Router } from '@koa/router';
import getRawBody from 'raw-body';
import { z } from 'zod';

/**
 * A fake of the WeChat platform API (api.weixin.qq.com), built from the published contract:
 * `POST /cgi-bin/stable_token`, `/cgi-bin/message/custom/send`, `/cgi-bin/message/template/send`,
 * `/cgi-bin/message/subscribe/bizsend` and `/cgi-bin/menu/create`, with their JSON shapes and
 * errcodes. It is a real koa server on port 0 that records every request. Switches simulate an
 * outage (HTTP 503, hanging requests, errcode -1), a rejected token (40001), a closed
 * customer-service window (45015) and a used-up quota (45047).
 */

export interface RecordedRequest {
  path: string;
  query: Record<string, string>;
  body: unknown;
}

export type OutageKind = 'http-503' | 'timeout' | 'busy';

const StableTokenBodySchema = z.object({
  grant_type: z.literal('client_credential'),
  appid: z.string(),
  secret: z.string(),
  force_refresh: z.boolean().optional(),
});

const CustomSendSchema = z.discriminatedUnion('msgtype', [
  z.object({ touser: z.string().min(1), msgtype: z.literal('text'), text: z.object({ content: z.string().min(1) }) }),
  z.object({ touser: z.string().min(1), msgtype: z.literal('image'), image: z.object({ media_id: z.string().min(1) }) }),
  z.object({
    touser: z.string().min(1),
    msgtype: z.literal('news'),
    news: z.object({ articles: z.array(z.object({ title: z.string(), description: z.string().optional(), url: z.string(), picurl: z.string().optional() })).min(1).max(1) }),
  }),
]);
export type CustomSendBody = z.infer<typeof CustomSendSchema>;

const TemplateSendSchema = z.object({
  touser: z.string().min(1),
  template_id: z.string().min(1),
  url: z.string().optional(),
  data: z.record(z.string(), z.object({ value: z.string(), color: z.string().optional() })),
});
export type TemplateSendBody = z.infer<typeof TemplateSendSchema>;

const SubscribeSendSchema = z.object({
  touser: z.string().min(1),
  template_id: z.string().min(1),
  page: z.string().optional(),
  data: z.record(z.string(), z.object({ value: z.string() })),
});

const MenuLeafSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('click'), name: z.string().min(1), key: z.string().min(1).max(128) }),
  z.object({ type: z.literal('view'), name: z.string().min(1), url: z.string().min(1).max(1024) }),
]);
const MenuCreateSchema = z.object({
  button: z.array(z.union([z.object({ name: z.string().min(1), sub_button: z.array(MenuLeafSchema).min(1).max(5) }), MenuLeafSchema])).min(1).max(3),
});

const ok = { errcode: 0, errmsg: 'ok' };
const err = (errcode: number, errmsg: string) => ({ errcode, errmsg: `${errmsg} rid: fake-${errcode}` });

export class FakeWechatPlatform {
  readonly requests: RecordedRequest[] = [];
  readonly menus: z.infer<typeof MenuCreateSchema>[] = [];
  readonly #custom: CustomSendBody[] = [];
  readonly #templates: TemplateSendBody[] = [];
  readonly #subscribe: z.infer<typeof SubscribeSendSchema>[] = [];
  /** Subscription notifications residents accepted: one send each (long-term: any number). */
  readonly #accepted = new Map<string, number>();
  readonly #closedWindows = new Set<string>();
  readonly #exhausted = new Set<string>();
  readonly #rejectedTokens = new Set<string>();
  readonly #outages: { kind: OutageKind; remaining: number }[] = [];
  #token: string | undefined;
  #rejectNext = 0;
  #tokenSerial = 0;
  #msgid = 1000;
  readonly #appid: string;
  readonly #secret: string;
  readonly #hangMs: number;

  #server: Server | undefined;

  private constructor(options: { appid: string; secret: string; hangMs: number }) {
    this.#appid = options.appid;
    this.#secret = options.secret;
    this.#hangMs = options.hangMs;
  }

  /** Starts the fake on 127.0.0.1:0. `hangMs`: how long a 'timeout' outage holds a request. */
  static async start(options: { appid: string; secret: string; hangMs?: number }): Promise<FakeWechatPlatform> {
    const fake = new FakeWechatPlatform({ appid: options.appid, secret: options.secret, hangMs: options.hangMs ?? 2000 });
    const app = fake.#app();
    fake.#server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    return fake;
  }

  #app(): Koa {
    const app = new Koa();
    const router = new Router();
    app.use(async (ctx, next) => {
      const text = await getRawBody(ctx.req, { encoding: 'utf8', limit: '1mb' });
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        body = text;
      }
      ctx.state.body = body;
      this.requests.push({ path: ctx.path, query: Object.fromEntries(Object.entries(ctx.query).map(([k, v]) => [k, String(v)])), body });
      await next();
    });
    app.use(async (ctx, next) => {
      const outage = this.#outages[0];
      if (!outage) return next();
      outage.remaining -= 1;
      if (outage.remaining <= 0) this.#outages.shift();
      if (outage.kind === 'http-503') {
        ctx.status = 503;
        ctx.body = 'Service Unavailable';
      } else if (outage.kind === 'busy') {
        ctx.body = err(-1, 'system error');
      } else {
        await new Promise((resolve) => setTimeout(resolve, this.#hangMs));
        ctx.body = err(-1, 'system error');
      }
    });
    router.post('/cgi-bin/stable_token', (ctx) => {
      ctx.body = this.#stableToken(ctx.state.body);
    });
    const withToken = (handler: (body: unknown) => unknown) => (ctx: Koa.Context) => {
      ctx.body = this.#checkToken(ctx.query.access_token) ?? handler(ctx.state.body);
    };
    router.post('/cgi-bin/message/custom/send', withToken((b) => this.#customSend(b)));
    router.post('/cgi-bin/message/template/send', withToken((b) => this.#templateSend(b)));
    router.post('/cgi-bin/message/subscribe/bizsend', withToken((b) => this.#subscribeSend(b)));
    router.post('/cgi-bin/menu/create', withToken((b) => this.#menuCreate(b)));
    app.use(router.routes());
    return app;
  }

  get base(): string {
    const address = this.#server?.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  /** The next `count` API requests fail the given way (after outages planned earlier; then the platform is back). */
  outage(kind: OutageKind, count: number): void {
    if (count > 0) this.#outages.push({ kind, remaining: count });
  }

  /** Ends every planned outage now. */
  endOutage(): void {
    this.#outages.length = 0;
  }

  /** The current token is rejected with 40001 from now on; the next stable_token call issues a new one. */
  rejectCurrentToken(): void {
    if (this.#token) this.#rejectedTokens.add(this.#token);
    this.#token = undefined;
  }

  /** The next `count` calls that carry a token answer 40001, whatever token they carry. */
  rejectNextTokens(count: number): void {
    this.#rejectNext = count;
  }

  /** custom/send to `openid` answers 45015 (outside the 48 h window) until `openWindow`. */
  closeWindow(openid: string): void {
    this.#closedWindows.add(openid);
  }

  openWindow(openid: string): void {
    this.#closedWindows.delete(openid);
    this.#exhausted.delete(openid);
  }

  /** custom/send to `openid` answers 45047 (quota used up) until `openWindow`. */
  exhaustQuota(openid: string): void {
    this.#exhausted.add(openid);
  }

  /** Customer-service messages the platform accepted, in order. */
  customMessages(openid?: string): CustomSendBody[] {
    return this.#custom.filter((m) => openid === undefined || m.touser === openid);
  }

  templateMessages(openid?: string): TemplateSendBody[] {
    return this.#templates.filter((m) => openid === undefined || m.touser === openid);
  }

  /** The resident accepted `templateId` in the account (the popup or its settings); without it bizsend answers 43101. */
  acceptSubscription(openid: string, templateId: string, options: { longTerm?: boolean } = {}): void {
    const key = `${openid}|${templateId}`;
    this.#accepted.set(key, options.longTerm ? Infinity : (this.#accepted.get(key) ?? 0) + 1);
  }

  subscribeMessages(openid?: string): z.infer<typeof SubscribeSendSchema>[] {
    return this.#subscribe.filter((m) => openid === undefined || m.touser === openid);
  }

  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #stableToken(raw: unknown): unknown {
    const body = StableTokenBodySchema.safeParse(raw);
    if (!body.success) return err(47001, 'data format error');
    if (body.data.appid !== this.#appid) return err(40013, 'invalid appid');
    if (body.data.secret !== this.#secret) return err(40125, 'invalid appsecret');
    // Normal mode returns the current token while it is valid; force_refresh replaces it.
    if (!this.#token || body.data.force_refresh === true) {
      if (this.#token) this.#rejectedTokens.add(this.#token);
      this.#tokenSerial += 1;
      this.#token = `FAKE_ACCESS_TOKEN_${this.#tokenSerial}_${'x'.repeat(100)}`;
    }
    return { access_token: this.#token, expires_in: 7200 };
  }

  #checkToken(token: unknown): unknown {
    if (typeof token !== 'string' || token === '') return err(41001, 'access_token missing');
    if (this.#rejectNext > 0) {
      this.#rejectNext -= 1;
      this.rejectCurrentToken();
      return err(40001, 'invalid credential, access_token is invalid or not latest');
    }
    if (this.#rejectedTokens.has(token) || token !== this.#token) return err(40001, 'invalid credential, access_token is invalid or not latest');
    return undefined;
  }

  #customSend(raw: unknown): unknown {
    const body = CustomSendSchema.safeParse(raw);
    if (!body.success) return err(47001, 'data format error');
    if (body.data.msgtype === 'text' && Buffer.byteLength(body.data.text.content, 'utf8') > 2048) return err(45002, 'content size out of limit');
    if (this.#closedWindows.has(body.data.touser)) return err(45015, 'response out of time limit or subscription is canceled');
    if (this.#exhausted.has(body.data.touser)) return err(45047, 'out of response count limit');
    this.#custom.push(body.data);
    return ok;
  }

  #templateSend(raw: unknown): unknown {
    const body = TemplateSendSchema.safeParse(raw);
    if (!body.success) return err(47001, 'data format error');
    this.#templates.push(body.data);
    this.#msgid += 1;
    return { ...ok, msgid: this.#msgid };
  }

  #subscribeSend(raw: unknown): unknown {
    const body = SubscribeSendSchema.safeParse(raw);
    if (!body.success) return err(47001, 'data format error');
    const key = `${body.data.touser}|${body.data.template_id}`;
    const left = this.#accepted.get(key) ?? 0;
    if (left <= 0) return err(43101, 'user refuse to accept the msg');
    this.#accepted.set(key, left - 1);
    this.#subscribe.push(body.data);
    return ok;
  }

  #menuCreate(raw: unknown): unknown {
    const body = MenuCreateSchema.safeParse(raw);
    if (!body.success) return err(40016, 'invalid button size');
    this.menus.push(body.data);
    return ok;
  }
}
