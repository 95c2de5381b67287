import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../bot/clock';
import { composeBot, type Composed } from '../../bot/compose';
import { silentLogger } from '../../bot/logger';
import { outboundAsText } from '../../bot/message';
import { DEFAULT_FLOWS_DIR } from '../../flows/loader';
import { idCheckChar } from '../../flows/slots/id-number';

/** Bad input end to end through `bot.handle`: a clear answer each time, and the conversation goes on. */
const clock = new ManualClock(Date.parse('2026-12-01T10:00:00+08:00'));
let composed: Composed;
let n = 0;

beforeAll(async () => {
  composed = await composeBot({ env: {}, clock, logger: silentLogger(), flowsDirs: [DEFAULT_FLOWS_DIR, fileURLToPath(new URL('../fixtures/flows/identity', import.meta.url))] });
});
afterAll(() => composed.close());

async function say(text: string): Promise<string[]> {
  clock.advance(1000);
  const result = await composed.bot.handle({ kind: 'text', text, id: `bad-${++n}`, channel: 'test', userId: 'u', conversationId: 'test:u', receivedAt: clock.now() });
  return result.replies.map(outboundAsText);
}

describe('bad input', () => {
  it('ID numbers, past and impossible dates get a precise reason; the dialogue finishes', async () => {
    const first17 = '11010519491231002';
    const valid = `${first17}${idCheckChar(first17)}`;
    const wrong = `${first17}${idCheckChar(first17) === '1' ? '2' : '1'}`;
    await say('测试身份核验');
    expect(await say(wrong)).toEqual(['号码最后一位（校验位）对不上，可能有一位输错了，请核对一下。', '身份证号码是18位，最后一位可能是X。']);
    expect((await say('1101051949123100'))[0]).toBe('身份证号码是18位，您输入了16位，请核对一下。');
    expect(await say(valid.toLowerCase())).toEqual(['想哪天去大厅？']);
    expect((await say('2月31日'))[0]).toBe('2月没有31日（2月只有28天），请重新说一下日期。');
    expect((await say('2026年11月20日'))[0]).toBe('11月20日已经过去了，请选一个今天或以后的日期。');
    // A month-day without a year means its next occurrence, here a year away.
    expect((await say('11月20日'))[0]).toBe('只能选30天以内的日期（最晚12月31日）。');
    expect((await say('2027年3月1日'))[0]).toBe('只能选30天以内的日期（最晚12月31日）。');
    expect(await say('下周三')).toEqual([`好的：110${'*'.repeat(11)}${valid.slice(-4)}，12月9日。`]);
  });
});
