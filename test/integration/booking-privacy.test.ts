import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../bot/clock';
import { composeBot } from '../../bot/compose';
import { createLogger } from '../../bot/logger';

/** A booking and a progress lookup leave no ID number, mobile or application number in the logs. */
describe('booking and progress keep personal numbers out of the logs', () => {
  it('the whole dialogue logs no ID number, phone or application number in clear', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
    const clock = new ManualClock(Date.parse('2026-12-01T10:00:00+08:00'));
    const composed = await composeBot({ env: {}, clock, logger });
    let n = 0;
    const say = (text: string) => {
      clock.advance(1000);
      return composed.bot.handle({ kind: 'text', text, id: `p${++n}`, channel: 'test', userId: 'resident-1', conversationId: 'test:resident-1', receivedAt: clock.now() });
    };
    for (const text of ['预约换身份证', '1', '1', '1', '天山区', '明天上午', '自己', '王建国', '650102198501010019', '13912345678', '要', '确认预约', '我的预约', '取消预约', '确定']) await say(text);
    for (const text of ['查进度', 'SL6501000018', '0000', '1', 'SL6501000018', '5678', '有进展通知我']) await say(text);
    await composed.close();
    const all = lines.join('\n');
    expect(all).toContain('booking reserve');
    expect(all).toContain('progress lookup failed');
    for (const secret of ['650102198501010019', '13912345678', 'SL6501000018', '王建国', '5678']) expect(all).not.toContain(secret);
  });
});
