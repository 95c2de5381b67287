import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../bot/clock';
import { silentLogger } from '../../../bot/logger';
import { MemoryJobQueue, MemoryReferences } from '../../../bot/memory';
import { DeliveryWorkOrderEvents } from '../../../integrations/govservice/workorders/delivery-events';
import { closedJobId, RATING_REMINDER_JOB, reminderJobId, WorkOrderJobs } from '../../../integrations/govservice/workorders/events';
import { MemoryWorkOrderStore } from '../../../integrations/govservice/workorders/memory-store';
import type { WorkOrder, WorkOrderEvents } from '../../../integrations/govservice/workorders/port';
import { WorkOrderService } from '../../../integrations/govservice/workorders/service';
import { DAY, filing, HOUR, T0, testDeadlines } from './fixtures';

/** Records what the bot was told; `fail` makes the next call throw (a channel down). */
class RecordingEvents implements WorkOrderEvents {
  readonly told: string[] = [];
  fail = 0;
  async closed(o: WorkOrder) {
    if (this.fail-- > 0) throw new Error('channel down');
    this.told.push(`closed:${o.reference}:${o.invitation?.sentAt}`);
  }
  async ratingReminder(o: WorkOrder) {
    this.told.push(`remind:${o.reference}`);
  }
}

describe('work-order jobs: the 好差评 invitation and its one reminder', () => {
  let clock: ManualClock;
  let jobs: MemoryJobQueue;
  let service: WorkOrderService;
  let events: RecordingEvents;
  let workOrderJobs: WorkOrderJobs;
  const agent = { kind: 'agent', name: 'li' } as const;

  beforeEach(async () => {
    clock = new ManualClock(T0);
    jobs = new MemoryJobQueue({ clock, logger: silentLogger(), backoffMs: 1000 });
    service = new WorkOrderService({ store: new MemoryWorkOrderStore({ retentionMs: 30 * DAY, clock }), references: new MemoryReferences({ clock }), deadlines: await testDeadlines(), platform: false, clock });
    events = new RecordingEvents();
    workOrderJobs = new WorkOrderJobs({ service, jobs, events, clock, logger: silentLogger(), reminderMs: 24 * HOUR });
  });

  async function close(): Promise<WorkOrder> {
    const o = await service.file(filing({ type: '咨询' }));
    return service.transition(o.reference, { to: '办结', reply: '可以网上办理', actor: agent, at: T0, key: 'c' });
  }

  it('on 办结: tells the bot once and records sentAt; reminds once 24 h later if unrated', async () => {
    const o = await close();
    expect(jobs.pending().map((j) => j.id)).toEqual([closedJobId(o.reference)]);
    await jobs.runDue();
    expect(events.told).toEqual([`closed:${o.reference}:${T0}`]);
    expect((await service.get(o.reference))!.invitation).toEqual({ sentAt: T0 });
    expect(jobs.pending()).toMatchObject([{ id: reminderJobId(o.reference), name: RATING_REMINDER_JOB, runAt: T0 + 24 * HOUR }]);
    clock.advance(24 * HOUR);
    await jobs.runDue();
    expect(events.told).toEqual([`closed:${o.reference}:${T0}`, `remind:${o.reference}`]);
    expect((await service.get(o.reference))!.invitation).toEqual({ sentAt: T0, remindedAt: T0 + 24 * HOUR });
    expect(jobs.pending()).toEqual([]);
  });

  it('no reminder once rated; a job run twice tells once', async () => {
    const o = await close();
    await jobs.runDue();
    await jobs.schedule({ id: 'again', name: 'workorder.closed', runAt: clock.now(), data: { reference: o.reference } });
    await jobs.runDue();
    expect(events.told).toHaveLength(1);
    await service.rate(o.reference, { level: 5, at: T0 + HOUR, key: 'r' });
    clock.advance(24 * HOUR);
    await jobs.runDue();
    expect(events.told).toHaveLength(1);
  });

  it('a failed telling is retried, then recorded once', async () => {
    const o = await close();
    events.fail = 1;
    await jobs.runDue();
    expect((await service.get(o.reference))!.invitation).toBeUndefined();
    clock.advance(1000);
    await jobs.runDue();
    expect(events.told).toEqual([`closed:${o.reference}:${T0 + 1000}`]);
  });

  it('a close whose job could not be scheduled is scheduled when the close is retried', async () => {
    const o = await service.file(filing({ type: '咨询' }));
    const schedule = jobs.schedule.bind(jobs);
    let down = true;
    jobs.schedule = async (job) => {
      if (down) throw new Error('redis blip');
      return schedule(job);
    };
    const close = { to: '办结', reply: '可以网上办理', actor: agent, at: T0, key: 'c' } as const;
    await expect(service.transition(o.reference, close)).rejects.toThrow(/blip/);
    expect((await service.get(o.reference))!.status).toBe('办结');
    down = false;
    await service.transition(o.reference, close);
    await jobs.runDue();
    expect(events.told).toEqual([`closed:${o.reference}:${T0}`]);
  });

  it('closed again after 整改: no second invitation', async () => {
    const o = await close();
    await jobs.runDue();
    await service.rate(o.reference, { level: 1, reason: '答非所问', at: T0 + HOUR, key: 'r' });
    await service.transition(o.reference, { to: '答复', reply: '补充答复', actor: agent, at: T0 + 2 * HOUR, key: 'a' });
    await service.transition(o.reference, { to: '办结', actor: agent, at: T0 + 2 * HOUR, key: 'c2' });
    clock.advance(2 * DAY);
    await jobs.runDue();
    expect(events.told).toEqual([`closed:${o.reference}:${T0}`]);
  });

  it('the 督办 sweep runs every 15 minutes and marks overdue orders', async () => {
    const o = await service.file(filing());
    await workOrderJobs.start();
    clock.set(o.deadline!.dueAt + 15 * 60_000);
    await jobs.runDue();
    expect((await service.get(o.reference))!).toMatchObject({ supervised: true, status: '受理' });
  });
});

describe('DeliveryWorkOrderEvents (when the bot binds none)', () => {
  it('delivers the reply in the resident’s chat and sends no rating prompt', async () => {
    const sent: { to: string; text: string }[] = [];
    const delivery = { deliver: async (to: { userId: string }, messages: { kind: string; text?: string }[]) => void sent.push(...messages.map((m) => ({ to: to.userId, text: m.text ?? '' }))) };
    const fallback = new DeliveryWorkOrderEvents((channel) => (channel === 'test' ? delivery : undefined), silentLogger());
    const order = { reference: 'GD20261201000001', filing: filing(), reply: { text: '已处理', at: T0, by: '城管局' } } as unknown as WorkOrder;
    await fallback.closed(order);
    await fallback.ratingReminder(order);
    expect(sent).toEqual([{ to: 'u1', text: '您的工单 GD20261201000001 已办结。\n答复：已处理' }]);
  });
});
