import { beforeAll, describe, expect, it } from 'vitest';
import { composeDetails, forwardableSummary, loadCatalog, targetOf, type Catalog, type Target } from '../../../integrations/govservice/catalog/index';
import { nearbyHalls } from '../../../integrations/govservice/hall-actions';

// The answers that print hours take them from the calendar (review findings #15, #16).
let catalog: Catalog;
const at = (local: string) => new Date(`${local}+08:00`);
const target = (code: string): Target => {
  const t = targetOf(catalog, code);
  if (!t) throw new Error(code);
  return t;
};
const WINTER = '周一至周五 10:00-14:00、15:30-19:30；周六至周日 休息（冬季作息）';
const ID_CARD = { occasion: 'expired', residence: 'local', age: 'adult' };

beforeAll(async () => {
  catalog = await loadCatalog();
});

describe('一次性告知 answers', () => {
  it.each([
    ['2026-10-01T10:00:00', '今天（国庆节）休息，10月8日（周四）起正常办公', WINTER],
    ['2026-09-20T10:00:00', '今天（周日，调休上班）办公：10:00-14:00、16:00-20:00', '周一至周五 10:00-14:00、16:00-20:00；周六至周日 休息（夏季作息）'],
    ['2026-10-10T10:00:00', '今天（周六，调休上班）办公：10:00-14:00、15:30-19:30', WINTER],
    ['2026-02-17T10:00:00', '今天（春节）休息，2月24日（周二）起正常办公', WINTER],
    ['2027-01-01T10:00:00', '今天（元旦）休息，1月4日（周一）起正常办公（预计，以大厅公告为准）', WINTER],
  ])('at %s the hall block says %s', (local, today, week) => {
    const details = composeDetails(target('GA-SFZ-HL'), ID_CARD, { catalog, now: at(local) }).join('\n');
    expect(details).toContain(today);
    expect(details).toContain(`办公时间：${week}`);
  });

  it("uses the item's window group: Saturday at the vehicle office's 驾驶证业务窗口", () => {
    // GA-JSZ-HZ lists the vehicle office first: without a location that is the hall shown.
    const text = composeDetails(target('GA-JSZ-HZ'), {}, { catalog, now: at('2026-12-05T10:00:00') }).join('\n');
    expect(text).toContain('市公安局交警支队车辆管理所（分项大厅） 驾驶证业务窗口');
    expect(text).toContain('办公时间：周一至周五 10:00-14:00、15:30-19:30；周六 10:30-14:00；周日 休息（冬季作息）');
    expect(text).toContain('今天（周六）办公：10:30-14:00');
  });

  it('the forwardable summary gives the hours in force', () => {
    const summary = forwardableSummary(target('GA-SFZ-HL'), ID_CARD, { catalog, now: at('2026-07-01T10:00:00') });
    expect(summary).toContain('时间：周一至周五 10:00-14:00、16:00-20:00；周六至周日 休息（夏季作息）');
  });
});

describe('halls.nearby', () => {
  const run = (local: string) =>
    nearbyHalls.run({ location: { latitude: 43.7965, longitude: 87.6318 } }, { catalog, now: at(local).getTime(), key: 'k' });

  it('on 国庆 says each hall is closed and when it opens', async () => {
    const { messages } = await run('2026-10-01T10:00:00');
    expect(messages[0]).toMatch(/^离您最近的政务服务大厅：\n\n天山区政务服务中心/);
    expect(messages[0]?.match(/今天（国庆节）休息，10月8日（周四）起正常办公/g)).toHaveLength(3);
    expect(messages[0]).not.toContain('今天（周四）办公');
  });

  it('in winter tianshan-center has the winter hours (#16)', async () => {
    const { messages } = await run('2026-12-01T10:00:00');
    expect(messages[0]).toContain('今天（周二）办公：10:00-14:00、15:30-19:30\n平时：周一至周五 10:00-14:00、15:30-19:30；周六至周日 休息（冬季作息）');
    expect(messages[0]).not.toContain('16:00-20:00');
  });

  it('in unconfirmed 2027 says 预计', async () => {
    const { messages } = await run('2027-01-05T10:00:00');
    expect(messages[0]).toContain('今天（周二）办公：10:00-14:00、15:30-19:30（预计，以大厅公告为准）');
  });
});
