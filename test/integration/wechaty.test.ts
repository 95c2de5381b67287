import { afterEach, describe, expect, it } from 'vitest';
import * as PUPPET from 'wechaty-puppet';
import { PuppetMock, type mock } from 'wechaty-puppet-mock';
import type { InboundMessage, OutboundMessage } from '../../bot/message';
import { backoffDelay } from '../../integrations/wechaty/backoff';
import { isPersonalWechatPuppet, loadWechatyConfig, wechatyEnabled } from '../../integrations/wechaty/config';
import { roomIdOf, stripMentions, wechatyConversationId } from '../../integrations/wechaty/inbound';
import { RecordingBot, startHarness, textOf, type Harness } from './wechaty-support';

const echo = (m: InboundMessage): OutboundMessage[] => [{ kind: 'text', text: m.kind === 'text' ? `收到：${m.text}` : `收到${m.kind}` }];

let harness: Harness | undefined;
afterEach(async (ctx) => {
  // On failure, show what the channel logged: the quickest clue to a puppet-side error.
  if (ctx.task.result?.state === 'fail') console.log(harness?.logs.lines.filter((l) => Number(l.level) >= 30));
  await harness?.close();
  harness = undefined;
});

/** Emits a message payload the way a puppet does: store it, then announce its id. */
function emitPayload(h: Harness, payload: Partial<PUPPET.payloads.Message> & { type: PUPPET.types.Message }): string {
  const msg = h.mocker.MessageMock.create({
    id: `m-${Math.random().toString(36).slice(2)}`,
    talkerId: h.resident.id,
    listenerId: h.self.id,
    timestamp: Date.now(),
    ...payload,
  } as PUPPET.payloads.Message);
  h.puppet.emit('message', { messageId: msg.id });
  return msg.id;
}

describe('wechaty channel on a real Wechaty with PuppetMock', () => {
  it('answers a private chat and converts the message at the edge', async () => {
    const bot = new RecordingBot(echo);
    harness = await startHarness({ bot });
    const h = harness;
    await h.login();

    h.resident.say('  办理居住证  ').to(h.self);
    const replies = await h.waitForReplies(h.resident, 1);

    expect(textOf(replies[0]!)).toBe('收到：办理居住证');
    expect(bot.inbound).toHaveLength(1);
    const inbound = bot.inbound[0]!;
    expect(inbound).toMatchObject({
      kind: 'text',
      channel: 'wechaty',
      text: '办理居住证',
      userId: h.resident.id,
      conversationId: `wechaty:${h.resident.id}`,
    });
    expect(inbound.id.length).toBeGreaterThan(0);
  });

  it('converts voice, image, location, link, video and file messages', async () => {
    const bot = new RecordingBot(echo);
    harness = await startHarness({ bot });
    const h = harness;
    await h.login();

    const voiceId = emitPayload(h, { type: PUPPET.types.Message.Audio });
    await h.waitForReplies(h.resident, 1);
    emitPayload(h, { type: PUPPET.types.Message.Image });
    await h.waitForReplies(h.resident, 2);
    emitPayload(h, { type: PUPPET.types.Message.Location });
    await h.waitForReplies(h.resident, 3);
    emitPayload(h, { type: PUPPET.types.Message.Url });
    await h.waitForReplies(h.resident, 4);
    emitPayload(h, { type: PUPPET.types.Message.Video });
    await h.waitForReplies(h.resident, 5);
    emitPayload(h, { type: PUPPET.types.Message.Attachment, filename: '营业执照.pdf' });
    await h.waitForReplies(h.resident, 6);

    expect(bot.inbound.map((m) => m.kind)).toEqual(['voice', 'image', 'location', 'link', 'video', 'file']);
    expect(bot.inbound[5]).toMatchObject({ kind: 'file', name: '营业执照.pdf' });
    expect(bot.inbound[0]).toMatchObject({ id: voiceId, kind: 'voice' });
    expect(bot.inbound[0]).not.toHaveProperty('recognition');
    // PuppetMock answers toLocation()/toUrlLink() with fixed payloads.
    expect(bot.inbound[2]).toMatchObject({ kind: 'location', latitude: 39.995121, longitude: 116.334154, label: '东升乡人民政府(海淀区成府路45号)' });
    expect(bot.inbound[3]).toMatchObject({ kind: 'link', url: 'https://mock.url' });
    expect(textOf(h.received(h.resident)[2]!)).toBe('收到location');
  });

  it('ignores its own messages, including its own replies coming back from the puppet', async () => {
    const bot = new RecordingBot(echo);
    harness = await startHarness({ bot });
    const h = harness;
    await h.login();

    // The bot account typing on another device.
    h.self.say('我是网格员，稍后回复您').to(h.resident);
    h.resident.say('你好').to(h.self);
    await h.waitForReplies(h.resident, 2);

    expect(bot.inbound.map((m) => (m.kind === 'text' ? m.text : m.kind))).toEqual(['你好']);
    expect(h.received(h.resident).map(textOf)).toEqual(['我是网格员，稍后回复您', '收到：你好']);
  });

  it('in a room answers only when mentioned, gives each resident their own conversation, and mentions them back', async () => {
    const bot = new RecordingBot(echo);
    harness = await startHarness({ bot });
    const h = harness;
    const neighbour = h.mocker.createContact({ name: '李师傅' });
    const room = h.mocker.createRoom({ topic: '幸福里居民群', memberIdList: [h.self.id, h.resident.id, neighbour.id] });
    h.received(room);
    await h.login();

    h.resident.say('今天停水吗').to(room);
    h.resident.say('@办事助手\u2005怎么办居住证', [h.self]).to(room);
    h.resident.say('谢谢 @李师傅', [neighbour]).to(room);
    const replies = await h.waitForReplies(room, 1);

    expect(bot.inbound[0]).toMatchObject({
      kind: 'text',
      text: '怎么办居住证',
      userId: h.resident.id,
      conversationId: `wechaty:room:${room.id}:${h.resident.id}`,
    });
    expect(textOf(replies[0]!)).toMatch(/^@张阿姨.*收到：怎么办居住证$/su);
    // A second mention by another resident is a separate conversation.
    neighbour.say('@办事助手 我也要办', [h.self]).to(room);
    await h.waitForReplies(room, 2);
    expect(bot.inbound[1]).toMatchObject({ text: '我也要办', conversationId: `wechaty:room:${room.id}:${neighbour.id}` });
    expect(textOf(h.received(room)[1]!)).toMatch(/^@李师傅/u);
    // Messages without a mention of the bot (sent before the answered ones) never reached the bot.
    expect(bot.inbound.map((m) => (m.kind === 'text' ? m.text : m.kind))).toEqual(['怎么办居住证', '我也要办']);
    expect(h.received(room)).toHaveLength(2);
  });

  it('handles a message delivered twice only once', async () => {
    const bot = new RecordingBot(echo);
    harness = await startHarness({ bot });
    const h = harness;
    await h.login();

    const id = emitPayload(h, { type: PUPPET.types.Message.Text, text: '预约' });
    h.puppet.emit('message', { messageId: id });
    await h.logs.waitFor('wechaty: duplicate delivery ignored');
    emitPayload(h, { type: PUPPET.types.Message.Text, text: '下一条' });
    await h.waitForReplies(h.resident, 2);

    expect(bot.inbound.map((m) => m.id)).toEqual([id, expect.any(String)]);
    expect(h.received(h.resident).map(textOf)).toEqual(['收到：预约', '收到：下一条']);
  });

  it('skips history the puppet replays from before start', async () => {
    const bot = new RecordingBot(echo);
    harness = await startHarness({ bot });
    const h = harness;
    await h.login();

    emitPayload(h, { type: PUPPET.types.Message.Text, text: '昨天的消息', timestamp: Date.now() - 24 * 3600_000 });
    await h.logs.waitFor('wechaty: skipping a message from before start');
    emitPayload(h, { type: PUPPET.types.Message.Text, text: '现在的消息' });
    await h.waitForReplies(h.resident, 1);

    expect(bot.inbound.map((m) => (m.kind === 'text' ? m.text : ''))).toEqual(['现在的消息']);
  });

  it('after a logout logs an error, restarts with back-off and answers again once logged in', async () => {
    const bot = new RecordingBot(echo);
    harness = await startHarness({ bot, backoff: { initialMs: 5, maxMs: 20, random: () => 0.5 } });
    const h = harness;
    await h.login();

    await h.puppet.logout('账号在其他设备登录');
    const [down] = await h.logs.waitFor('wechaty: logged out');
    expect(down).toMatchObject({ level: 50, reason: '账号在其他设备登录' });
    const [restart] = await h.logs.waitFor('wechaty: channel down, restarting the puppet after back-off');
    expect(restart).toMatchObject({ level: 50, attempt: 1, delayMs: 4 });
    await h.logs.waitFor('wechaty: puppet started, waiting for login', 2);

    await h.login();
    h.resident.say('还在吗').to(h.self);
    const replies = await h.waitForReplies(h.resident, 1);
    expect(textOf(replies[0]!)).toBe('收到：还在吗');
  });

  it('retries a puppet that fails to start, without throwing to the caller', async () => {
    let starts = 0;
    class FlakyPuppet extends PuppetMock {
      override async onStart(): Promise<void> {
        starts += 1;
        if (starts === 1) throw new Error('puppet service unreachable');
        await super.onStart();
      }
    }
    harness = await startHarness({
      bot: new RecordingBot(echo),
      backoff: { initialMs: 5, maxMs: 20, random: () => 0 },
      makePuppet: (mocker: mock.Mocker) => new FlakyPuppet({ mocker }),
    });
    const h = harness;
    const [failed] = await h.logs.waitFor('wechaty: puppet failed to start');
    expect(failed).toMatchObject({ level: 50, reason: 'puppet service unreachable' });
    const [down] = await h.logs.waitFor('wechaty: channel down, restarting the puppet after back-off');
    expect(down).toMatchObject({ level: 50, attempt: 1, reason: 'start failed: puppet service unreachable' });
    await h.logs.waitFor('wechaty: puppet started, waiting for login');
    await h.login();
    h.resident.say('在吗').to(h.self);
    expect(textOf((await h.waitForReplies(h.resident, 1))[0]!)).toBe('收到：在吗');
    expect(starts).toBe(2);
  });

  it('delivers late messages to a private chat and to a room', async () => {
    const bot = new RecordingBot(echo);
    harness = await startHarness({ bot });
    const h = harness;
    const room = h.mocker.createRoom({ topic: '幸福里居民群', memberIdList: [h.self.id, h.resident.id] });
    h.received(room);
    await h.login();

    await h.channel.delivery.deliver({ channel: 'wechaty', userId: h.resident.id, conversationId: `wechaty:${h.resident.id}` }, [
      { kind: 'text', text: '您的工单已受理' },
      { kind: 'choices', text: '还需要什么帮助？', options: [{ label: '查进度' }, { label: '人工服务' }] },
    ]);
    await h.channel.delivery.deliver(
      { channel: 'wechaty', userId: h.resident.id, conversationId: `wechaty:room:${room.id}:${h.resident.id}` },
      [{ kind: 'text', text: '网格员已回复' }],
    );

    expect(h.received(h.resident).map(textOf)).toEqual(['您的工单已受理', '还需要什么帮助？\n1. 查进度\n2. 人工服务\n回复数字即可选择']);
    expect(textOf(h.received(room)[0]!)).toMatch(/^@张阿姨.*网格员已回复$/su);
    await expect(
      h.channel.delivery.deliver({ channel: 'wechat-mp', userId: 'o1', conversationId: 'wechat-mp:o1' }, [{ kind: 'text', text: 'x' }]),
    ).rejects.toThrow(/cannot deliver to channel "wechat-mp"/);
  });

  it('sends articles as link cards and images as files, falling back to text when the puppet cannot', async () => {
    const cards: { conversationId: string; payload: PUPPET.payloads.UrlLink }[] = [];
    class CardPuppet extends PuppetMock {
      override async messageSendUrl(conversationId: string, payload: PUPPET.payloads.UrlLink): Promise<void> {
        cards.push({ conversationId, payload });
      }
    }
    const rich: OutboundMessage[] = [
      { kind: 'article', title: '居住证办理指南', description: '材料与流程', url: 'https://gov.example.cn/jzz' },
      { kind: 'image', url: 'https://gov.example.cn/map.png', alt: '办事大厅位置' },
    ];
    harness = await startHarness({ bot: new RecordingBot(() => rich), makePuppet: (mocker: mock.Mocker) => new CardPuppet({ mocker }) });
    const h = harness;
    await h.login();

    h.resident.say('指南').to(h.self);
    const [image] = await h.waitForReplies(h.resident, 1);
    expect(cards).toEqual([
      { conversationId: h.resident.id, payload: { title: '居住证办理指南', description: '材料与流程', url: 'https://gov.example.cn/jzz' } },
    ]);
    expect(image!.payload.type).toBe(PUPPET.types.Message.Image);
    await h.close();

    class TextOnlyPuppet extends PuppetMock {
      override async messageSendUrl(): Promise<void> {
        throw new Error('messageSendUrl unsupported');
      }
    }
    harness = await startHarness({ bot: new RecordingBot(() => [rich[0]!]), makePuppet: (mocker: mock.Mocker) => new TextOnlyPuppet({ mocker }) });
    const h2 = harness;
    await h2.login();
    h2.resident.say('指南').to(h2.self);
    const [fallback] = await h2.waitForReplies(h2.resident, 1);
    expect(textOf(fallback!)).toBe('【居住证办理指南】\n材料与流程\nhttps://gov.example.cn/jzz');
    expect(h2.logs.find('wechaty: puppet could not send a rich message, sending text instead')).toHaveLength(1);
  });
});

describe('wechaty channel helpers', () => {
  it('is enabled only when WECHATY_PUPPET is set, and names a bad puppet', () => {
    expect(wechatyEnabled(loadWechatyConfig({}))).toBe(false);
    const config = loadWechatyConfig({ WECHATY_PUPPET: 'wechaty-puppet-service', WECHATY_PUPPET_SERVICE_TOKEN: 'puppet_workpro_x', WECHATY_NAME: '' });
    expect(config).toEqual({ WECHATY_PUPPET: 'wechaty-puppet-service', WECHATY_PUPPET_SERVICE_TOKEN: 'puppet_workpro_x', WECHATY_NAME: 'banshi' });
    expect(wechatyEnabled(config)).toBe(true);
    expect(() => loadWechatyConfig({ WECHATY_PUPPET: 'wechat4u' })).toThrow(/WECHATY_PUPPET: an npm puppet name.*\(got "wechat4u"\)/);
    expect(isPersonalWechatPuppet('wechaty-puppet-wechat4u')).toBe(true);
    expect(isPersonalWechatPuppet('wechaty-puppet-service')).toBe(false);
  });

  it('backs off exponentially with jitter, up to the cap', () => {
    const opts = { initialMs: 1000, maxMs: 10_000 };
    expect([0, 1, 2, 3, 4, 40].map((n) => backoffDelay(n, { ...opts, random: () => 0.999999 }))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
    expect([0, 1, 5].map((n) => backoffDelay(n, { ...opts, random: () => 0 }))).toEqual([500, 1000, 5000]);
  });

  it('finds the room in a conversation id even when room ids contain ":"', () => {
    expect(roomIdOf(wechatyConversationId('u1', 'R:1069'), 'u1')).toBe('R:1069');
    expect(roomIdOf(wechatyConversationId('u1', '123@chatroom'), 'u1')).toBe('123@chatroom');
    expect(roomIdOf(wechatyConversationId('u1'), 'u1')).toBeUndefined();
    expect(roomIdOf('wechaty:room:R:1:u2', 'u1')).toBeUndefined();
  });

  it('strips only the bot\'s own @-mention', () => {
    expect(stripMentions('@办事助手\u2005社保卡怎么补办', ['办事助手'])).toBe('社保卡怎么补办');
    expect(stripMentions('请问 @街道小助手 @王网格员 在吗', ['办事助手', '街道小助手'])).toBe('请问 @王网格员 在吗');
    expect(stripMentions('@a.b 问', ['a.b'])).toBe('问');
  });
});
