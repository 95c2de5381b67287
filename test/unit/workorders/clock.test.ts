import { beforeAll, describe, expect, it } from 'vitest';
import * as m from '../../../integrations/govservice/workorders/machine';
import { WorkOrderTransitionError, type WorkOrder } from '../../../integrations/govservice/workorders/port';
import type { WorkOrderDeadlines } from '../../../integrations/govservice/workorders/time-limits';
import { DAY, filing, HOUR, T0, testDeadlines } from './fixtures';

/**
 * The reply clock of an order: stopped while the department waits (暂停计时) and counted again
 * without the stopped working days; extended once where the table allows (依规延期). 投诉 has 5
 * working days from 2026-12-01 (Tue): 12-02 … 12-08.
 */
let deadlines: WorkOrderDeadlines;
beforeAll(async () => {
  deadlines = await testDeadlines();
});

const dept = { kind: 'department', name: '城管局' } as const;
const recount = (d: Parameters<WorkOrderDeadlines['recount']>[0]) => deadlines.recount(d);

function dispatched(overrides: Parameters<typeof filing>[0] = {}): WorkOrder {
  const f = filing(overrides);
  const o = m.fileOrder('GD20261201000001', f, deadlines.reply(f.type, f.urgent, f.at), false);
  return m.transition(o, { to: '派单', lead: '城管局', actor: dept, at: T0 + HOUR, key: 'd' }, (at) => deadlines.rectify(at));
}

describe('the reply clock', () => {
  it('stands still while held: not overdue meanwhile, and the paused working days are added back', () => {
    const o = dispatched();
    expect(o.deadline?.dueDate).toBe('12月8日');
    const held = m.hold(o, { reason: '等待居民补充商户名称', actor: dept, at: T0 + DAY, key: 'h' });
    expect(m.isPaused(held.deadline)).toBe(true);
    expect(m.isOverdue(held, T0 + 30 * DAY)).toBe(false);
    // Held from Wed 12-02 to Fri 12-04: three working days stood still, so the 8th becomes the 11th.
    const resumed = m.resume(held, { actor: dept, at: T0 + 3 * DAY, key: 'r' }, recount);
    expect(m.isPaused(resumed.deadline)).toBe(false);
    expect(resumed.deadline?.dueDate).toBe('12月11日');
    expect(resumed.deadline?.tableVersion).toBe(o.deadline?.tableVersion);
    expect(resumed.history.map((h) => h.reason?.split('：')[0])).toEqual([undefined, '城管局', '暂停计时', '恢复计时，时限顺延至12月11日']);
  });

  it('is extended once, where the table allows, with a reason', () => {
    const o = dispatched();
    const extended = m.extend(o, { workdays: 5, reason: '需要联合检测', actor: dept, at: T0 + DAY, key: 'e' }, recount);
    expect(extended.deadline).toMatchObject({ dueDate: '12月15日', extendable: false, extension: { workdays: 5, reason: '需要联合检测' } });
    expect(() => m.extend(extended, { workdays: 2, reason: '再延', actor: dept, at: T0 + DAY, key: 'e2' }, recount)).toThrow(/extended already/);
    // The same write again is no change.
    expect(m.extend(extended, { workdays: 5, reason: '需要联合检测', actor: dept, at: T0 + DAY, key: 'e' }, recount)).toBe(extended);
  });

  it('refuses what the rules do not allow: no extension for urgent orders, no reason, a stopped clock stopped again', () => {
    const urgent = dispatched({ urgent: true });
    expect(() => m.extend(urgent, { workdays: 1, reason: '忙', actor: dept, at: T0, key: 'u' }, recount)).toThrow(WorkOrderTransitionError);
    const o = dispatched();
    expect(() => m.hold(o, { reason: ' ', actor: dept, at: T0, key: 'x' })).toThrow(/reason/);
    const held = m.hold(o, { reason: '等待补充', actor: dept, at: T0, key: 'h' });
    expect(() => m.hold(held, { reason: '再停', actor: dept, at: T0, key: 'h2' })).toThrow(/stopped already/);
    expect(() => m.resume(o, { actor: dept, at: T0, key: 'r' }, recount)).toThrow(/running/);
  });
});
