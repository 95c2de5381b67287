import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frozenClock } from '../../bot/clock';
import { composeBot, type Composed } from '../../bot/compose';
import { silentLogger } from '../../bot/logger';
import { outboundAsText, type InboundMessage } from '../../bot/message';

/** Photos, links, videos and files through the real runtime (composeBot, memory stores). */

let composed: Composed;
beforeAll(async () => {
  composed = await composeBot({ env: { LOG_LEVEL: 'silent', CITY_NAME: '演示市' }, clock: frozenClock(Date.UTC(2026, 11, 1, 2)), logger: silentLogger() });
});
afterAll(async () => {
  await composed.close();
});

let serial = 0;
type Kinded = { [K in InboundMessage['kind']]: Omit<Extract<InboundMessage, { kind: K }>, 'id' | 'channel' | 'userId' | 'conversationId' | 'receivedAt'> }[InboundMessage['kind']];
async function say(user: string, message: Kinded): Promise<string[]> {
  const result = await composed.bot.handle({ id: `m${++serial}`, channel: 'test', userId: user, conversationId: `test:${user}`, receivedAt: Date.UTC(2026, 11, 1, 2), ...message } as InboundMessage);
  return result.replies.map(outboundAsText);
}

const FALLBACK = '抱歉，这句话我还没听懂';

describe('media nothing reads', () => {
  it('outside a flow: a photo, a link, a video and a file each get a fitting answer, never 没听懂', async () => {
    const photo = await say('uPhoto', { kind: 'image', url: 'https://example.gov.cn/p.jpg' });
    expect(photo).toEqual([expect.stringContaining('收到您的照片')]);
    expect(photo.join()).toContain('意见建议');
    const link = await say('uLink', { kind: 'link', title: '公众平台官网链接', url: 'https://mp.weixin.qq.com/' });
    expect(link).toEqual([expect.stringContaining('收到您分享的链接「公众平台官网链接」')]);
    const longLink = await say('uLink2', { kind: 'link', title: '很长'.repeat(40), url: 'u' });
    expect(longLink[0]).toContain(`「${'很长'.repeat(15)}…」`);
    expect(await say('uVideo', { kind: 'video', mediaId: 'm' })).toEqual([expect.stringContaining('视频我暂时看不了')]);
    expect(await say('uFile', { kind: 'file', name: 'test.zip', sizeBytes: 222 })).toEqual([expect.stringContaining('文件我这里收不了')]);
    for (const replies of [photo, link, longLink]) expect(replies.join()).not.toContain(FALLBACK);
  });

  it('inside a flow: a video, file or link gets a short note and the same question again; the flow goes on', async () => {
    const ask = await say('uFlow', { kind: 'text', text: '我有个建议' });
    const question = ask.at(-1)!;
    expect(question).toContain('您的意见建议是关于哪方面的');
    for (const message of [{ kind: 'video' } as const, { kind: 'file', name: 'a.pdf' } as const, { kind: 'link', title: 't', url: 'u' } as const]) {
      const replies = await say('uFlow', message);
      expect(replies[0]).toMatch(/^(视频|文件|链接)我暂时处理不了，我们接着刚才的：$/);
      expect(replies.at(-1)).toBe(question);
    }
    expect((await say('uFlow', { kind: 'text', text: '3' })).join()).toContain('请具体说说');
  });

  it('inside a flow a photo is still the flow’s to answer (an image step takes it)', async () => {
    for (const text of ['我有个建议', '3', '窗口排队两个小时，希望多开窗口']) await say('uPhotoStep', { kind: 'text', text });
    const replies = await say('uPhotoStep', { kind: 'image', url: 'https://example.gov.cn/photo.jpg' });
    expect(replies.join()).not.toContain('收到您的照片');
    expect(replies.join()).toContain('需要工作人员联系您');
  });
});
