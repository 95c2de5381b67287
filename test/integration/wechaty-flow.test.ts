import { FileBox } from 'file-box';
import { afterEach, describe, expect, it } from 'vitest';
import * as PUPPET from 'wechaty-puppet';
import { composeBot, type Composed } from '../../bot/compose';
import { silentLogger } from '../../bot/logger';
import { exchange, optionNumber, startHarness, textOf, type Harness } from './wechaty-support';

let harness: Harness | undefined;
let composed: Composed | undefined;
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') console.log(harness?.logs.lines.filter((l) => Number(l.level) >= 30));
  await harness?.close();
  await composed?.close();
  harness = undefined;
  composed = undefined;
});

describe('wechaty channel with the real runtime (composeBot, memory state)', () => {
  it('runs the 意见建议 path of 12345 from the main menu, with a location and a photo sent through the puppet', async () => {
    composed = await composeBot({ env: {}, logger: silentLogger() });
    harness = await startHarness({ bot: composed.bot });
    const h = harness;
    const to = h.self;
    const say = (text: string) => () => h.resident.say(text).to(to);
    await h.login();

    const menu = await exchange(h, h.resident, say('菜单'), /12345诉求/);
    const kinds = await exchange(h, h.resident, say(optionNumber(menu, /12345诉求/)), /您是想/);
    const topics = await exchange(h, h.resident, say(optionNumber(kinds, /建议/)), /办事大厅服务/);
    await exchange(h, h.resident, say(optionNumber(topics, /办事大厅/)), /哪天/);
    await exchange(h, h.resident, say('昨天'), /哪个大厅|位置/);

    // The puppet hands over a location message (the mock's coordinates are random): the nearest hall
    // when it is near one, else the resident is asked to name it.
    const afterLocation = await exchange(
      h,
      h.resident,
      () => {
        const msg = h.mocker.MessageMock.create({
          id: `loc-${Date.now()}`,
          talkerId: h.resident.id,
          listenerId: h.self.id,
          timestamp: Date.now(),
          type: PUPPET.types.Message.Location,
        });
        h.puppet.emit('message', { messageId: msg.id });
      },
      /具体说说|附近没有找到/,
    );
    if (!/具体说说/.test(afterLocation)) await exchange(h, h.resident, say('市政务服务中心'), /具体说说/);
    await exchange(h, h.resident, say('取号后等了一个多小时，希望高峰期多开几个窗口'), /照片/);
    await exchange(h, h.resident, () => h.resident.say(FileBox.fromUrl('https://gov.example.cn/queue.jpg')).to(to), /联系|答复/);
    const review = await exchange(h, h.resident, say('不需要'), /请核对[\s\S]*确认提交/);
    expect(review).toMatch(/办事大厅服务/);
    expect(review).toMatch(/多开几个窗口/);
    // The photo sent through the puppet filled the optional photo question.
    expect(review).toMatch(/照片：(?!无)\S/u);

    const done = await exchange(h, h.resident, say(optionNumber(review, /确认提交/)), /工单号/);
    expect(done).toMatch(/谢谢/);
    // Every reply went to the resident's private chat; nothing the bot said was handled as input.
    expect(h.received(h.resident).every((m) => m.payload.listenerId === h.resident.id)).toBe(true);
    expect(h.received(h.resident).map(textOf).join('\n')).not.toMatch(/没能听清|看不懂/);
  });

  it('keeps two residents of one group in separate conversations', async () => {
    composed = await composeBot({ env: {}, logger: silentLogger() });
    harness = await startHarness({ bot: composed.bot });
    const h = harness;
    const neighbour = h.mocker.createContact({ name: '李师傅' });
    const room = h.mocker.createRoom({ topic: '幸福里居民群', memberIdList: [h.self.id, h.resident.id, neighbour.id] });
    await h.login();

    const menu = await exchange(h, room, () => h.resident.say('@办事助手\u2005菜单', [h.self]).to(room), /12345诉求/);
    expect(menu).toMatch(/^@张阿姨/u);
    const kinds = await exchange(h, room, () => h.resident.say(`@办事助手 ${optionNumber(menu, /12345诉求/)}`, [h.self]).to(room), /您是想/);
    expect(kinds).toMatch(/^@张阿姨/u);

    // The neighbour starts fresh: their "菜单" shows the main menu, not the resident's feedback question.
    const theirs = await exchange(h, room, () => neighbour.say('@办事助手 菜单', [h.self]).to(room), /12345诉求/);
    expect(theirs).toMatch(/^@李师傅/u);
    expect(theirs).not.toMatch(/您是想/);
  });
});
