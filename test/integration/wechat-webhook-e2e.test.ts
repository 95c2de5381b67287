import { afterAll, describe, expect, it } from 'vitest';
import { frozenClock } from '../../bot/clock';
import { composeBot, type Composed } from '../../bot/compose';
import { silentLogger } from '../../bot/logger';
import { createWechatCipher } from '../../integrations/wechat-mp/webhook/crypto';
import { parseWechatXml } from '../../integrations/wechat-mp/webhook/xml';
import { ACCOUNT, NOW_S, postSafe, RecordingDelivery, startWebhookServer, textXml, type TestServer } from '../fixtures/wechat/harness';

// End to end with the real runtime (composeBot, embedded memory stores): safe mode over HTTP.
let composed: Composed | undefined;
let server: TestServer | undefined;

afterAll(async () => {
  await server?.webhook.drain();
  await server?.close();
  await composed?.close();
});

describe('webhook + composeBot', () => {
  it('"菜单" in safe mode gets the main menu as an encrypted passive reply', async () => {
    const clock = frozenClock(NOW_S * 1000);
    composed = await composeBot({ env: { LOG_LEVEL: 'silent', CITY_NAME: '本市' }, clock, logger: silentLogger() });
    const delivery = new RecordingDelivery();
    server = await startWebhookServer({
      options: { token: ACCOUNT.token, appId: ACCOUNT.appId, encodingAesKey: ACCOUNT.encodingAesKey },
      bot: composed.bot,
      delivery,
      deduper: composed.stores.deduper,
      sessions: composed.stores.sessions,
      clock,
    });
    const res = await postSafe(server.url, textXml({ from: 'oE2E', content: '菜单', msgId: '6054768590064799999' }), { using: 'wecom' });
    expect(res.status).toBe(200);
    const envelope = parseWechatXml(await res.text());
    const reply = parseWechatXml(createWechatCipher(ACCOUNT.encodingAesKey, ACCOUNT.appId).decrypt(envelope.Encrypt!).message);
    expect(reply).toMatchObject({ ToUserName: 'oE2E', FromUserName: ACCOUNT.original, MsgType: 'text' });
    const all = [reply.Content ?? '', ...delivery.messages.map((m) => (m.kind === 'text' ? m.text : ''))].join('\n');
    expect(all).toContain('请问您想办什么');
    expect(all).toContain('1. 查办事材料');
  });
});
