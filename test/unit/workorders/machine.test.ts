import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as m from '../../../integrations/govservice/workorders/machine';
import { WorkOrderTransitionError, type WorkOrder } from '../../../integrations/govservice/workorders/port';
import { loadTimeLimits, type WorkOrderDeadlines } from '../../../integrations/govservice/workorders/time-limits';
import { DAY, filing, HOUR, T0, testDeadlines } from './fixtures';

let deadlines: WorkOrderDeadlines;
beforeAll(async () => {
  deadlines = await testDeadlines();
});

const dept = { kind: 'department', name: '城管局' } as const;
const agent = { kind: 'agent', name: 'li' } as const;
const rectify = (at: number) => deadlines.rectify(at);

function filed(overrides: Parameters<typeof filing>[0] = {}): WorkOrder {
  const f = filing(overrides);
  return m.fileOrder('GD20261201000001', f, deadlines.reply(f.type, f.urgent, f.at), false);
}

/** 受理 → 派单 → 办理 → 答复 → 办结. */
function closed(): WorkOrder {
  let o = filed();
  o = m.transition(o, { to: '派单', lead: '城管局', supporting: ['街道办'], actor: agent, at: T0 + HOUR, key: 'k1' }, rectify);
  o = m.transition(o, { to: '办理', actor: dept, at: T0 + 2 * HOUR, key: 'k2' }, rectify);
  o = m.transition(o, { to: '答复', reply: '已安排执法队员巡查', actor: dept, at: T0 + DAY, key: 'k3' }, rectify);
  return m.transition(o, { to: '办结', actor: agent, at: T0 + DAY + HOUR, key: 'k4' }, rectify);
}

describe('work-order lifecycle', () => {
  it('walks 受理 → 派单 → 办理 → 答复 → 办结 → 回访 with one history entry per move', () => {
    let o = closed();
    o = m.transition(o, { to: '回访', note: '电话回访，群众认可', actor: agent, at: T0 + 2 * DAY, key: 'k5' }, rectify);
    expect(o.status).toBe('回访');
    expect(o.history.map((h) => `${h.from ?? ''}→${h.to}`)).toEqual(['→受理', '受理→派单', '派单→办理', '办理→答复', '答复→办结', '办结→回访']);
    expect(o.departments).toEqual({ lead: '城管局', supporting: ['街道办'] });
    expect(o.reply).toMatchObject({ text: '已安排执法队员巡查', by: '城管局' });
  });

  it('keeps the history append-only and each write idempotent per key', () => {
    const o = filed();
    const a = m.transition(o, { to: '派单', lead: '城管局', actor: agent, at: T0 + HOUR, key: 'd1' }, rectify);
    expect(o.history).toHaveLength(1);
    const again = m.transition(a, { to: '派单', lead: '别的局', actor: agent, at: T0 + 2 * HOUR, key: 'd1' }, rectify);
    expect(again).toBe(a);
    expect(a.history[0]).toEqual(o.history[0]);
  });

  it('refuses moves the lifecycle does not allow', () => {
    const o = filed();
    expect(() => m.transition(o, { to: '答复', reply: 'x', actor: dept, at: T0, key: 'a' }, rectify)).toThrow(WorkOrderTransitionError);
    expect(() => m.transition(o, { to: '办理', actor: dept, at: T0, key: 'b' }, rectify)).toThrow(/派单/);
    expect(() => m.transition(o, { to: '回访', actor: agent, at: T0, key: 'c' }, rectify)).toThrow(WorkOrderTransitionError);
    expect(() => m.transition(o, { to: '派单', lead: ' ', actor: agent, at: T0, key: 'd' }, rectify)).toThrow(/lead/);
  });

  it('退单: 派单 or 办理 back to 受理 with a reason, then 改派 to another department', () => {
    let o = m.transition(filed(), { to: '派单', lead: '水务局', actor: agent, at: T0 + HOUR, key: 'd' }, rectify);
    expect(() => m.transition(o, { to: '受理', reason: '', actor: dept, at: T0 + 2 * HOUR, key: 'r0' }, rectify)).toThrow(/reason/);
    o = m.transition(o, { to: '受理', reason: '不属于本单位职责', actor: { kind: 'department', name: '水务局' }, at: T0 + 2 * HOUR, key: 'r1' }, rectify);
    expect(o.status).toBe('受理');
    expect(o.departments.lead).toBeUndefined();
    expect(o.history.at(-1)).toMatchObject({ from: '派单', to: '受理', reason: '不属于本单位职责' });
    o = m.transition(o, { to: '派单', lead: '城管局', actor: agent, at: T0 + 3 * HOUR, key: 'd2' }, rectify);
    expect(o.departments.lead).toBe('城管局');
  });

  it('closes an unanswered order only with its reply (直接答复), and 表扬 without one', () => {
    const o = filed({ type: '咨询' });
    expect(() => m.transition(o, { to: '办结', actor: agent, at: T0, key: 'c' }, rectify)).toThrow(/reply/);
    const done = m.transition(o, { to: '办结', reply: '可在政务大厅办理', actor: agent, at: T0, key: 'c' }, rectify);
    expect(done.history.map((h) => h.to)).toEqual(['受理', '答复', '办结']);
    const praise = m.transition(filed({ type: '表扬' }), { to: '办结', actor: agent, at: T0, key: 'p' }, rectify);
    expect(praise.status).toBe('办结');
    expect(praise.deadline).toBeUndefined();
  });

  it('督办: marked once overdue and unanswered, cleared by the reply', () => {
    let o = m.transition(filed(), { to: '派单', lead: '城管局', actor: agent, at: T0, key: 'd' }, rectify);
    const due = o.deadline!.dueAt;
    expect(m.supervise(o, due - 1, 's0')).toBe(o);
    o = m.supervise(o, due, 's1');
    expect(o.supervised).toBe(true);
    expect(m.supervise(o, due + HOUR, 's2')).toBe(o);
    o = m.transition(o, { to: '办理', actor: dept, at: due + HOUR, key: 'h' }, rectify);
    o = m.transition(o, { to: '答复', reply: '已处理', actor: dept, at: due + 2 * HOUR, key: 'a' }, rectify);
    expect(o.supervised).toBe(false);
    expect(m.isOverdue(o, due + 3 * HOUR)).toBe(false);
  });

  it('keeps no name or phone of an anonymous report', () => {
    expect(filed({ type: '举报', anonymous: true }).filing.contact).toEqual({});
  });
});

describe('好差评 and 整改', () => {
  it('rates a closed order once, 3–5 → 评价', () => {
    const o = m.rate(closed(), { level: 4, at: T0 + 2 * DAY, key: 'r' }, rectify);
    expect(o.status).toBe('评价');
    expect(o.rating).toEqual({ level: 4, at: T0 + 2 * DAY });
    expect(m.rate(o, { level: 4, at: T0 + 2 * DAY, key: 'r' }, rectify)).toBe(o);
    expect(() => m.rate(o, { level: 5, at: T0 + 3 * DAY, key: 'r2' }, rectify)).toThrow(/rated already/);
  });

  it('refuses rating an open order, levels outside 1–5 and a bad rating without its reason', () => {
    expect(() => m.rate(filed(), { level: 5, at: T0, key: 'a' }, rectify)).toThrow(/closed/);
    expect(() => m.rate(closed(), { level: 6 as 5, at: T0, key: 'b' }, rectify)).toThrow(/1 to 5/);
    expect(() => m.rate(closed(), { level: 2, at: T0, key: 'c' }, rectify)).toThrow(/reason/);
  });

  it('a bad rating opens 整改 owned by the lead department with its own deadline; the new reply ends it, then 办结 again', () => {
    const at = T0 + 2 * DAY;
    let o = m.rate(closed(), { level: 1, reason: '摊贩还在', at, key: 'r' }, rectify);
    expect(o.status).toBe('整改');
    expect(o.history.slice(-2).map((h) => h.to)).toEqual(['评价', '整改']);
    expect(o.rectification).toMatchObject({ owner: '城管局', openedAt: at });
    expect(o.rectification!.deadline).toMatchObject({ kind: 'rectify', dueDate: '12月10日', tableVersion: deadlines.table.version });
    expect(m.isOverdue(o, o.rectification!.deadline.dueAt)).toBe(true);
    expect(m.inRectification(o)).toBe(true);
    o = m.transition(o, { to: '答复', reply: '已联合街道取缔', actor: dept, at: at + DAY, key: 'a2' }, rectify);
    expect(o.rectification!.doneAt).toBe(at + DAY);
    expect(m.inRectification(o)).toBe(false);
    o = m.transition(o, { to: '办结', actor: agent, at: at + DAY, key: 'c2' }, rectify);
    expect(o.status).toBe('办结');
    expect(() => m.rate(o, { level: 5, at: at + 2 * DAY, key: 'r3' }, rectify)).toThrow(/rated already/);
  });

  it('records the department’s appeal once', () => {
    const rated = m.rate(closed(), { level: 2, reason: '态度不好', at: T0 + 2 * DAY, key: 'r' }, rectify);
    expect(() => m.appeal(closed(), { by: '城管局', reason: 'x', at: T0, key: 'x' })).toThrow(/no rating/);
    const o = m.appeal(rated, { by: '城管局', reason: '已按规定处理，诉求人不认可政策', at: T0 + 3 * DAY, key: 'ap' });
    expect(o.rating!.appeal).toEqual({ by: '城管局', reason: '已按规定处理，诉求人不认可政策', at: T0 + 3 * DAY });
    expect(o.history.at(-1)).toMatchObject({ actor: { kind: 'department', name: '城管局' }, from: '整改', to: '整改' });
    expect(m.appeal(o, { by: '城管局', reason: 'again', at: T0 + 4 * DAY, key: 'ap' })).toBe(o);
    expect(() => m.appeal(o, { by: '城管局', reason: 'again', at: T0 + 4 * DAY, key: 'ap2' })).toThrow(/appeal already/);
  });

  it('补充 goes to open orders only', () => {
    const o = m.append(filed(), { text: '今晚又来了', at: T0 + HOUR, key: 'b', actor: { kind: 'resident' } });
    expect(o.additions).toEqual([{ text: '今晚又来了', at: T0 + HOUR }]);
    expect(() => m.append(closed(), { text: 'x', at: T0, key: 'b2', actor: { kind: 'resident' } })).toThrow(/open/);
  });
});

describe('time limits', () => {
  it('counts reply deadlines in working days from the table, with its version', () => {
    expect(deadlines.reply('投诉', false, T0)).toMatchObject({ dueDate: '12月8日', kind: 'reply', extendable: true, tableVersion: deadlines.table.version, dueAt: Date.parse('2026-12-09T00:00:00+08:00') });
    expect(deadlines.reply('咨询', false, T0)).toMatchObject({ dueDate: '12月2日', extendable: false });
    expect(deadlines.reply('建议', false, T0)?.dueDate).toBe('12月15日');
    expect(deadlines.reply('表扬', false, T0)).toBeUndefined();
  });

  it('gives urgent orders hours on the clock', () => {
    expect(deadlines.reply('求助', true, T0)).toMatchObject({ dueAt: T0 + 24 * HOUR, dueDate: '12月2日 10:00', extendable: false });
  });

  it('refuses a table without every request type or with a fractional day limit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'time-limits-'));
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'version: "x"\nurgent: { dispatch: { amount: 2, unit: hour }, reply: { amount: 24, unit: hour }, extendable: false }\ntypes:\n  咨询: { reply: { amount: 1.5, unit: workday }, extendable: false }\nrectification: { amount: 5, unit: workday }\n');
    const problem = await loadTimeLimits(file).then(() => '', (e: unknown) => String(e));
    expect(problem).toMatch(/types\.咨询\.reply\.amount: day limits need a whole number of days/);
    expect(problem).toMatch(/types\.求助: /);
  });
});
