import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../bot/clock';
import type { WorkOrderOpen } from '../../../bot/handoff/work-orders';
import { MemoryReferences } from '../../../bot/memory';
import { WorkOrderDeskAdapter } from '../../../integrations/govservice/workorders/desk';
import { MemoryWorkOrderStore } from '../../../integrations/govservice/workorders/memory-store';
import { WorkOrderService } from '../../../integrations/govservice/workorders/service';
import { DAY, HOUR, T0, testDeadlines } from './fixtures';

const address = { channel: 'test', userId: 'u1', conversationId: 'c1' } as const;

function opening(overrides: Partial<WorkOrderOpen> = {}): WorkOrderOpen {
  return {
    key: 'close:case-1',
    source: 'chat',
    address,
    category: '求助',
    title: '独居老人家中停水',
    description: '老人家中停水两天，物业联系不上',
    contact: { phone: '13800138000' },
    fields: { district: '天山区' },
    transcript: [{ at: T0 - HOUR, from: 'resident', text: '家里停水了' }],
    caseId: 'case-1',
    openedBy: { kind: 'agent', username: 'li' },
    at: T0,
    ...overrides,
  };
}

describe('WorkOrderDeskAdapter (the agent console’s work orders)', () => {
  let clock: ManualClock;
  let service: WorkOrderService;
  let desk: WorkOrderDeskAdapter;

  beforeEach(async () => {
    clock = new ManualClock(T0);
    service = new WorkOrderService({ store: new MemoryWorkOrderStore({ retentionMs: 30 * DAY, clock }), references: new MemoryReferences({ clock }), deadlines: await testDeadlines(), platform: false, clock });
    desk = new WorkOrderDeskAdapter(service, () => clock.now());
  });

  it('opens an order from a chat, once per key, with the source, type and agent', async () => {
    const a = await desk.open(opening());
    expect(await desk.open(opening())).toEqual(a);
    expect(a).toMatchObject({ status: '已受理', category: '求助', title: '独居老人家中停水', overdue: false, rectification: false, closed: false });
    const order = await service.get(a.reference);
    expect(order!.filing).toMatchObject({ source: 'chat', type: '求助', caseId: 'case-1', openedBy: { kind: 'agent', name: 'li' }, fields: { district: '天山区' } });
    expect(a.dueAt).toBe(order!.deadline!.dueAt);
  });

  it('an after-hours message is due by its promised callback when that comes first', async () => {
    const callbackBy = T0 + 3 * HOUR;
    const a = await desk.open(opening({ key: 'cb', source: 'callback', callbackBy, openedBy: { kind: 'resident' } }));
    expect(a.dueAt).toBe(callbackBy);
    clock.set(callbackBy);
    expect((await desk.forResident(address, 5))[0]).toMatchObject({ reference: a.reference, overdue: true });
    expect((await service.get(a.reference))!.filing.callbackConsent).toBe(true);
  });

  it('lists the resident’s orders newest first', async () => {
    const a = await desk.open(opening({ key: 'a' }));
    const b = await desk.open(opening({ key: 'b', at: T0 + HOUR }));
    expect((await desk.forResident(address, 10)).map((o) => o.reference)).toEqual([b.reference, a.reference]);
    expect(await desk.forResident({ ...address, userId: 'u2' }, 10)).toEqual([]);
  });

  it('resolves: a note on an order not yet handled, the reply while handled, 办结 when closing (retry-safe)', async () => {
    const a = await desk.open(opening());
    expect((await desk.resolve(a.reference, { resolution: '已联系物业', close: false, by: 'li', at: T0 + HOUR, key: 'r1' })).status).toBe('已受理');
    expect((await service.get(a.reference))!.additions).toEqual([{ text: '已联系物业', at: T0 + HOUR }]);
    await service.transition(a.reference, { to: '派单', lead: '水务局', actor: { kind: 'agent' }, at: T0 + HOUR, key: 'd' });
    await service.transition(a.reference, { to: '办理', actor: { kind: 'department', name: '水务局' }, at: T0 + HOUR, key: 'h' });
    const closing = { resolution: '已恢复供水', close: true, by: 'li', at: T0 + 2 * HOUR, key: 'r2' };
    const closed = await desk.resolve(a.reference, closing);
    expect(closed).toMatchObject({ status: '已办结', closed: true });
    expect(await desk.resolve(a.reference, closing)).toEqual(closed);
    const order = await service.get(a.reference);
    expect(order!.history.map((h) => h.to).slice(-2)).toEqual(['答复', '办结']);
    expect(order!.reply).toMatchObject({ text: '已恢复供水', by: 'li' });
    await expect(desk.resolve(a.reference, { ...closing, key: 'r3', close: false })).rejects.toThrow(/closed/);
  });

  it('closes an order never dispatched with the resolution as its reply', async () => {
    const a = await desk.open(opening());
    const closed = await desk.resolve(a.reference, { resolution: '已电话告知办理方式', close: true, by: 'li', at: T0 + HOUR, key: 'r' });
    expect(closed.closed).toBe(true);
    expect((await service.get(a.reference))!.reply?.text).toBe('已电话告知办理方式');
  });

  it('shows a failed sync with the city platform beside the status', async () => {
    const a = await desk.open(opening());
    await service.update(a.reference, T0, (o) => ({ ...o, sync: { state: '同步失败', attempts: 5 } }), true);
    expect((await desk.forResident(address, 1))[0]!.status).toBe('已受理（同步失败）');
  });

  it('attention: overdue orders and those in 整改', async () => {
    const late = await desk.open(opening({ key: 'late' }));
    const rated = await desk.open(opening({ key: 'rated' }));
    await desk.resolve(rated.reference, { resolution: '已处理', close: true, by: 'li', at: T0, key: 'c' });
    await service.rate(rated.reference, { level: 2, reason: '没有解决', at: T0 + 2 * DAY, key: 'r' }); // 整改 due 12月10日
    const at = late.dueAt!;
    const seen = await desk.attention(at);
    expect(seen.overdue.map((o) => o.reference)).toEqual([late.reference]);
    expect(seen.rectification).toMatchObject([{ reference: rated.reference, status: '整改中', rectification: true, closed: false }]);
  });
});
