import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../bot/clock';
import { silentLogger } from '../../bot/logger';
import { createRedisPorts, type RedisClient } from '../../integrations/redis';
import { WechatApiClient } from '../../integrations/wechat-mp/api/client';
import { WechatApiError } from '../../integrations/wechat-mp/api/errors';
import { StableTokenProvider } from '../../integrations/wechat-mp/api/token';
import { publishMenu } from '../../integrations/wechat-mp/menu-publish';
import { loadMenu } from '../../flows/menu';
import { connectTestRedis, deleteKeys, testPrefix } from '../contract/redis-test-env';
import { FakeWechatPlatform } from '../fakes/wechat-platform';

const APPID = 'wx0123456789abcdef';
const SECRET = 'test-secret';
const OPENID = 'oTestResident0000000000000001';

let redis: RedisClient;
let platform: FakeWechatPlatform;
let prefix: string;
let clock: ManualClock;

/** One app instance: its own Redis ports object and client, sharing the Redis server and prefix. */
function instance(): { client: WechatApiClient; tokens: StableTokenProvider } {
  const ports = createRedisPorts(redis, { logger: silentLogger(), prefix });
  const http = { base: platform.base, timeoutMs: 2000 };
  const tokens = new StableTokenProvider({ appid: APPID, secret: SECRET, http, store: ports.sessions, lock: ports.lock, clock });
  return { client: new WechatApiClient({ http, tokens }), tokens };
}

const text = (content: string) => ({ msgtype: 'text' as const, text: { content } });

beforeAll(async () => {
  redis = await connectTestRedis();
});

afterAll(async () => {
  await redis.close();
});

beforeEach(async (ctx) => {
  prefix = testPrefix('wechat-api-token');
  clock = new ManualClock();
  platform = await FakeWechatPlatform.start({ appid: APPID, secret: SECRET });
  ctx.onTestFinished(async () => {
    await platform.close();
    await deleteKeys(redis, prefix);
  });
});

function tokenRequests() {
  return platform.requestsTo('/cgi-bin/stable_token');
}

describe('access_token over real HTTP with the Redis ports', () => {
  it('caches the token in Redis and shares it between two instances', async () => {
    const a = instance();
    const b = instance();
    await a.client.sendCustom(OPENID, text('一'));
    await b.client.sendCustom(OPENID, text('二'));
    expect(tokenRequests()).toHaveLength(1);
    expect(await redis.exists(`${prefix}sess:wx:token:${APPID}`)).toBe(1);
    expect(platform.customMessages(OPENID).map((m) => (m.msgtype === 'text' ? m.text.content : ''))).toEqual(['一', '二']);
  });

  it('sends grant_type client_credential with force_refresh false', async () => {
    await instance().tokens.get();
    expect(tokenRequests()[0]?.body).toEqual({ grant_type: 'client_credential', appid: APPID, secret: SECRET, force_refresh: false });
  });

  it('lets one instance refresh when two ask at once', async () => {
    const a = instance();
    const b = instance();
    const tokens = await Promise.all([a.tokens.get(), b.tokens.get(), a.tokens.get(), b.tokens.get()]);
    expect(new Set(tokens).size).toBe(1);
    expect(tokenRequests()).toHaveLength(1);
  });

  it('refreshes early, when less than five minutes are left, and only once for two instances', async () => {
    const a = instance();
    const b = instance();
    await a.tokens.get();
    clock.advance((7200 - 299) * 1000);
    platform.rejectCurrentToken(); // the platform renews near expiry: next stable_token gives a new one
    const [ta, tb] = await Promise.all([a.tokens.get(), b.tokens.get()]);
    expect(ta).toBe(tb);
    expect(ta).toContain('FAKE_ACCESS_TOKEN_2_');
    expect(tokenRequests()).toHaveLength(2);
  });

  it('on 40001 drops the cached token, fetches once more and retries the call once', async () => {
    const a = instance();
    const b = instance();
    await a.client.sendCustom(OPENID, text('before'));
    platform.rejectCurrentToken();
    await a.client.sendCustom(OPENID, text('after'));
    await b.client.sendCustom(OPENID, text('other instance'));
    expect(tokenRequests()).toHaveLength(2);
    const sends = platform.requestsTo('/cgi-bin/message/custom/send');
    expect(sends).toHaveLength(4); // before, rejected try, retry, other instance
    expect(sends[1]?.query.access_token).not.toBe(sends[2]?.query.access_token);
    expect(platform.customMessages(OPENID)).toHaveLength(3);
    expect(tokenRequests().every((r) => (r.body as { force_refresh?: unknown }).force_refresh === false)).toBe(true);
  });

  it('gives up after the one retry when the fresh token is rejected too', async () => {
    const a = instance();
    await a.tokens.get();
    platform.rejectNextTokens(2);
    await expect(a.client.sendCustom(OPENID, text('x'))).rejects.toMatchObject({ errcode: 40001, retryable: true });
    expect(tokenRequests()).toHaveLength(2);
    expect(platform.requestsTo('/cgi-bin/message/custom/send')).toHaveLength(2);
    expect(tokenRequests().every((r) => (r.body as { force_refresh?: unknown }).force_refresh === false)).toBe(true);
  });

  it('turns errcode into a WechatApiError naming service, operation, errcode and retryable', async () => {
    platform.closeWindow(OPENID);
    const error = await instance()
      .client.sendCustom(OPENID, text('x'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WechatApiError);
    expect(error).toMatchObject({ service: 'wechat-mp', operation: 'custom/send', errcode: 45015, retryable: false });
  });

  it('reports an outage as retryable (503, timeout)', async () => {
    const fast = (() => {
      const ports = createRedisPorts(redis, { logger: silentLogger(), prefix });
      const http = { base: platform.base, timeoutMs: 200 };
      const tokens = new StableTokenProvider({ appid: APPID, secret: SECRET, http, store: ports.sessions, lock: ports.lock, clock });
      return new WechatApiClient({ http, tokens });
    })();
    await fast.sendCustom(OPENID, text('warm'));
    platform.outage('http-503', 1);
    await expect(fast.sendCustom(OPENID, text('x'))).rejects.toMatchObject({ retryable: true, errcode: undefined });
    platform.outage('timeout', 1);
    await expect(fast.sendCustom(OPENID, text('x'))).rejects.toMatchObject({ retryable: true, message: expect.stringContaining('timed out') });
  });

  it('sends template messages (returning the msgid) and subscription notifications in the published shape', async () => {
    const { client } = instance();
    const data = { thing1: { value: '居住证' }, time2: { value: '1月6日 09:30' } };
    const msgid = await client.sendTemplate(OPENID, { template_id: 'TPL_1', url: 'https://example.gov.cn/b', data });
    expect(msgid).toMatch(/^\d+$/);
    platform.acceptSubscription(OPENID, 'SUB_1');
    await client.sendSubscribe(OPENID, { template_id: 'SUB_1', page: 'https://example.gov.cn/p', data });
    expect(platform.templateMessages(OPENID)).toEqual([{ touser: OPENID, template_id: 'TPL_1', url: 'https://example.gov.cn/b', data }]);
    expect(platform.subscribeMessages(OPENID)).toEqual([{ touser: OPENID, template_id: 'SUB_1', page: 'https://example.gov.cn/p', data }]);
  });

  it('publishes flows/menu.yaml through menu/create with click buttons and sub_button', async () => {
    const lines: string[] = [];
    await publishMenu([], { WECHAT_APPID: APPID, WECHAT_APPSECRET: SECRET, WECHAT_API_BASE: platform.base }, (l) => lines.push(l));
    const menu = await loadMenu();
    expect(platform.menus).toHaveLength(1);
    expect(platform.menus[0]?.button).toHaveLength(menu.buttons.length);
    expect(platform.menus[0]?.button[0]).toMatchObject({ name: '办事指南', sub_button: [{ type: 'click', name: '查办事材料', key: 'MENU_GUIDE' }, { type: 'click', name: '预约办理', key: 'MENU_BOOKING' }, { type: 'click', name: '办件进度', key: 'MENU_PROGRESS' }, { type: 'click', name: '附近大厅', key: 'MENU_HALLS' }, { type: 'click', key: 'MENU_MAIN' }] });
    expect(lines.join('\n')).toContain('published 3 button(s)');
  });

  it('menu --dry-run prints the body and sends nothing', async () => {
    const lines: string[] = [];
    await publishMenu(['--dry-run'], {}, (l) => lines.push(l));
    expect(JSON.parse(lines.join('\n'))).toMatchObject({ button: [{ name: '办事指南' }, { name: '12345诉求', sub_button: [{ key: 'MENU_HOTLINE' }, { key: 'MENU_WORKORDERS' }, { key: 'MENU_FEEDBACK' }] }, { name: '更多服务' }] });
    expect(platform.requests).toHaveLength(0);
  });
});
