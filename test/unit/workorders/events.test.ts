import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../bot/clock';
import { silentLogger } from '../../../bot/logger';
import { MemoryJobQueue, MemoryReferences } from '../../../bot/memory';
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
  const agent = { kind: 'agent', name: 'li' } as const;

  beforeEach(async () => {
    clock = new ManualClock(T0);
    jobs = new MemoryJobQueue({ clock, logger: silentLogger(), backoffMs: 1000 });
    service = new WorkOrderService({ store: new MemoryWorkOrderStore({ retentionMs: 30 * DAY, clock }), references: new MemoryReferences({ clock }), deadlines: await testDeadlines(), platform: false, clock });
    events = new RecordingEvents();
    new WorkOrderJobs({ service, jobs, events, clock, logger: silentLogger(), reminderMs: 24 * HOUR });
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
});
