import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../bot/clock';
import { composeBot, type Composed } from '../../bot/compose';
import { silentLogger } from '../../bot/logger';
import { outboundAsText } from '../../bot/message';
import { REMINDER_JOB, reminderJobId } from '../../integrations/govservice/booking';
import { BullJobQueue } from '../../integrations/redis';
import { cleanUpPrefix, REDIS_URL, testPrefix } from '../contract/redis-test-env';

const START = Date.parse('2026-12-01T10:00:00+08:00');

/**
 * Booking through the bot on Redis and BullMQ: two residents race for the last place (the one
 * who loses is offered the next free slot), the reminder is a delayed job in Redis at the day
 * before, it is removed when the booking is cancelled, and it is delivered when it runs.
 */
describe('booking through the bot on Redis', () => {
  const prefix = testPrefix('booking-bot');
  const clock = new ManualClock(START);
  const delivered: { user: string; text: string }[] = [];
  let composed: Composed;
  let jobs: BullJobQueue;
  let n = 0;
  const say = async (user: string, text: string) => {
    clock.advance(1000);
    const r = await composed.bot.handle({ kind: 'text', text, id: `m${++n}`, channel: 'test', userId: user, conversationId: `test:${user}`, receivedAt: clock.now() });
    return r.replies.map(outboundAsText).join('\n');
  };
  const upToConfirm = async (user: string, name: string, id: string) => {
    for (const text of ['预约换身份证', '1', '1', '1', '天山区', '明天上午十点', '自己', name, id, '13912345678', '要']) await say(user, text);
  };

  beforeAll(async () => {
    composed = await composeBot({ env: { REDIS_URL, KEY_PREFIX: prefix, BOOKING_RULES_FILE: 'test/fixtures/booking/one-place.yaml', PROGRESS_POLL_SECONDS: '0' }, clock, logger: silentLogger() });
    composed.registerDelivery('test', { deliver: async (to, messages) => void delivered.push(...messages.map((m) => ({ user: to.userId, text: outboundAsText(m) }))) });
    if (!(composed.jobs instanceof BullJobQueue)) throw new Error('expected BullMQ jobs on Redis');
    jobs = composed.jobs;
    await jobs.start();
  });
  afterAll(async () => {
    await composed?.close();
    await cleanUpPrefix(prefix);
  });

  it('the loser of a race for the last place is offered the next free slot, and takes it', async () => {
    await upToConfirm('amy', '张伟', '650102198501010019');
    await upToConfirm('bob', '李强', '650102198602020021');
    const [a, b] = await Promise.all([say('amy', '确认预约'), say('bob', '确认预约')]);
    const [winner, loser] = a.includes('预约成功') ? [a, b] : [b, a];
    expect(winner).toContain('12月2日（明天，周三）10:00-11:00');
    expect(loser).toContain('这个时段约满了。最近还能约的是12月2日（明天，周三）11:00-12:00，要约这个吗？');
    const loserUser = loser === a ? 'amy' : 'bob';
    const taken = await say(loserUser, '好的');
    expect(taken).toContain('预约成功');
    expect(taken).toContain('11:00-12:00');
  });

  it('the reminder is a delayed job at 18:00 the day before, gone once the booking is cancelled', async () => {
    const list = await composed.booking.backend.listByBooker({ channel: 'test', userId: 'amy', conversationId: 'test:amy' }, clock.now());
    const booking = list[0];
    if (!booking) throw new Error('amy has no booking');
    const id = reminderJobId(booking);
    expect(await jobs.state(id)).toBe('delayed');
    // Booked at 10:00:2x on the service's clock for 18:00 the day before: about 8 hours.
    expect(await jobs.delayOf(id)).toBeGreaterThan(7.9 * 3_600_000);
    expect(await jobs.delayOf(id)).toBeLessThanOrEqual(8 * 3_600_000);
    expect(await say('amy', '不约了')).toContain('确定取消');
    expect(await say('amy', '确定')).toContain('已取消');
    expect(await jobs.state(id)).toBeUndefined();
  });

  it('when the job runs, the reminder reaches the resident once, even if the job runs twice', async () => {
    const booking = (await composed.booking.backend.listByBooker({ channel: 'test', userId: 'bob', conversationId: 'test:bob' }, clock.now()))[0];
    if (!booking) throw new Error('bob has no booking');
    // Run it now rather than at 18:00 (BullMQ keeps real time): the same handler, the same data.
    for (const suffix of ['a', 'b']) await jobs.schedule({ id: `${reminderJobId(booking)}-now-${suffix}`, name: REMINDER_JOB, runAt: clock.now(), data: { reference: booking.reference, version: booking.version } });
    await expect.poll(() => delivered.filter((d) => d.user === 'bob').length, { timeout: 5_000 }).toBe(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(delivered.filter((d) => d.user === 'bob')).toEqual([{ user: 'bob', text: expect.stringContaining('温馨提醒：您预约了12月2日（明天，周三）') }]);
  });
});
