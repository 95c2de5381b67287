import { describe, expect, it } from 'vitest';
import { isHandoffExit } from '../../../bot/handoff/exit';
import { formatWhen } from '../../../bot/handoff/format';
import { hasMaskable, maskDeep, maskText } from '../../../bot/handoff/mask';
import { placeInQueue } from '../../../bot/handoff/texts';
import { loadDeskConfig, DeskConfigSchema } from '../../../flows/desk';
import { loadCatalog } from '../../../integrations/govservice/catalog';
import { deskOfficeHours } from '../../../integrations/govservice/agent-hours';

const at = (iso: string) => Date.parse(iso);

describe('masking what the console shows', () => {
  it('masks ID numbers, phones, addresses and WeChat ids, in every string of a payload', () => {
    const raw = { a: '电话13912345678，身份证110105194912310025', b: ['住北京南路358号2单元501室', { c: 'oAbcdefghijklmnopqrstuvwxyz1' }], n: 13912345678, ok: true };
    const masked = maskDeep(raw);
    expect(masked.a).toBe('电话139****5678，身份证110*************25');
    expect(masked.b[0]).toBe('住北京南路***');
    expect((masked.b[1] as { c: string }).c).toBe('[微信号已隐藏]');
    // Numbers are not text a resident wrote: kept (timestamps, counts).
    expect(masked.n).toBe(13912345678);
    expect(raw.a).toContain('13912345678');
    expect(hasMaskable('没有个人信息')).toBe(false);
    expect(maskText('12345 热线')).toBe('12345 热线');
  });
});

describe('the way out of the human service', () => {
  it.each([
    ['取消人工', true, true],
    ['不要人工了', true, true],
    ['结束人工服务', true, true],
    ['取消转人工。', true, true],
    ['不等了', true, true],
    ['算了，不等了', true, true],
    ['那我不排了吧', true, true],
    ['取消', false, true],
    ['返回', false, true],
    ['菜单', false, true],
    ['取消预约怎么办', false, false],
    ['人工', false, false],
  ])('%s: with an agent %s, while waiting %s', (text, withAgent, waiting) => {
    expect(isHandoffExit(text, false)).toBe(withAgent);
    expect(isHandoffExit(text, true)).toBe(waiting);
  });

  it('tells the place in the queue plainly', () => {
    expect(placeInQueue({ ahead: 0, waitMinutes: 1, free: 2 })).toBe('您是下一位，工作人员马上接入。');
    expect(placeInQueue({ ahead: 0, waitMinutes: 6, free: 0 })).toBe('您是下一位，预计等待约 6 分钟。');
    expect(placeInQueue({ ahead: 3, waitMinutes: 17.6, free: 0 })).toBe('您前面还有 3 位，预计等待约 18 分钟。');
  });
});

describe('times for residents', () => {
  const now = at('2026-12-01T22:30:00+08:00');
  it.each([
    [at('2026-12-01T23:00:00+08:00'), '今天 23:00'],
    [at('2026-12-02T14:00:00+08:00'), '明天 14:00'],
    [at('2026-12-04T10:00:00+08:00'), '12月4日（周五）10:00'],
    [at('2027-01-04T10:00:00+08:00'), '2027年1月4日（周一）10:00'],
  ])('%s → %s', (when, text) => {
    expect(formatWhen(when, now)).toBe(text);
  });
  it('says 预计 for a time on an unconfirmed day', () => {
    expect(formatWhen(at('2027-01-04T10:00:00+08:00'), now, false)).toBe('2027年1月4日（周一）10:00（预计）');
  });
});

describe('the agent teams’ hours on the calendar', async () => {
  const catalog = await loadCatalog();
  const config = await loadDeskConfig();
  const hours = deskOfficeHours(catalog.calendar, config.teams);

  it('several periods a day: open in each, closed between them', () => {
    expect(hours.isOpen('general', at('2026-12-01T10:30:00+08:00'))).toBe(true);
    expect(hours.isOpen('general', at('2026-12-01T14:30:00+08:00'))).toBe(false);
    expect(hours.isOpen('general', at('2026-12-01T16:00:00+08:00'))).toBe(true);
    expect(hours.isOpen('general', at('2026-12-01T19:45:00+08:00'))).toBe(false);
    expect(hours.isOpen('general', at('2026-12-01T21:00:00+08:00'))).toBe(true);
    expect(hours.isOpen('social', at('2026-12-01T21:00:00+08:00'))).toBe(false);
  });

  it('holidays are closed and 调休 working days open, from the calendar', () => {
    expect(hours.isOpen('general', at('2026-10-01T11:00:00+08:00'))).toBe(false);
    // Sunday 2026-09-20 is a 调休上班日: Monday's hours.
    expect(hours.isOpen('general', at('2026-09-20T11:00:00+08:00'))).toBe(true);
    expect(hours.nextOpen('general', at('2026-10-01T11:00:00+08:00'))?.start).toBe(at('2026-10-08T10:00:00+08:00'));
  });

  it('SLA clocks run only in working time; a callback promise is counted the same way', () => {
    expect(hours.workingMs('general', at('2026-12-01T13:50:00+08:00'), at('2026-12-01T15:40:00+08:00'))).toBe(20 * 60_000);
    expect(hours.workingMs('general', at('2026-12-01T15:40:00+08:00'), at('2026-12-01T13:50:00+08:00'))).toBe(0);
    expect(hours.addWorking('general', at('2026-12-01T22:30:00+08:00'), 4 * 3_600_000)).toEqual({ at: at('2026-12-02T14:00:00+08:00'), confirmed: true });
    expect(hours.describe('general', at('2026-12-01T10:00:00+08:00'))).toBe('周一至周五 10:00-14:00、15:30-19:30、20:00-22:00；周六 11:00-17:00；周日 休息');
  });

  it('a team’s hours that do not parse stop the start, naming the team and field', () => {
    const broken = DeskConfigSchema.parse({ ...config, teams: [{ id: 'night', name: '夜班', hours: [{ week: { mon: ['25:00-26:00'] } }] }], defaultTeam: 'night', routes: {} });
    expect(() => deskOfficeHours(catalog.calendar, broken.teams)).toThrow(/team "night": 0\.week/);
    expect(() => hours.isOpen('nobody', 0)).toThrow(/unknown desk team "nobody"/);
  });

  it('the desk file refuses unknown teams in routes and a bad quick-reply template', () => {
    expect(DeskConfigSchema.safeParse({ ...config, routes: { urgent: { team: 'ghosts' } } }).success).toBe(false);
    expect(DeskConfigSchema.safeParse({ ...config, quickReplies: [{ title: '坏', text: '{{name | shout}}' }] }).success).toBe(false);
  });
});
