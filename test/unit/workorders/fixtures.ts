import { createCalendar, loadCalendarData } from '../../../integrations/govservice/calendar';
import type { WorkOrderFiling } from '../../../integrations/govservice/workorders/port';
import { loadTimeLimits, WorkOrderDeadlines } from '../../../integrations/govservice/workorders/time-limits';

/** 2026-12-01 (a Tuesday) 10:00 in Asia/Shanghai. */
export const T0 = Date.parse('2026-12-01T10:00:00+08:00');
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export async function testDeadlines(): Promise<WorkOrderDeadlines> {
  return new WorkOrderDeadlines(await loadTimeLimits(), createCalendar(await loadCalendarData()));
}

export function filing(overrides: Partial<WorkOrderFiling> = {}): WorkOrderFiling {
  return {
    key: `msg-${Math.random().toString(36).slice(2)}`,
    address: { channel: 'test', userId: 'u1', conversationId: 'c1' },
    type: '投诉',
    category: ['城市管理', '占道经营'],
    urgent: false,
    title: '小区门口占道经营',
    description: '幸福路12号小区门口每天晚上有流动摊贩占道经营，噪音很大',
    location: { text: '幸福路12号' },
    photos: [],
    contact: { name: '张三', phone: '13800138000' },
    anonymous: false,
    callbackConsent: true,
    source: 'resident',
    transcript: [],
    fields: {},
    openedBy: { kind: 'resident' },
    at: T0,
    ...overrides,
  };
}
