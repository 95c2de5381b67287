import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../bot/clock';
import type { References } from '../../bot/ports';
import { WorkOrderNotFoundError } from '../../integrations/govservice/workorders/machine';
import { residentKeyOf, WorkOrderTransitionError } from '../../integrations/govservice/workorders/port';
import { WorkOrderService } from '../../integrations/govservice/workorders/service';
import type { WorkOrderStore } from '../../integrations/govservice/workorders/store';
import type { WorkOrderDeadlines } from '../../integrations/govservice/workorders/time-limits';
import { DAY, filing, HOUR, T0, testDeadlines } from '../unit/workorders/fixtures';

export const RETENTION_MS = 30 * DAY;

export interface WorkOrdersHarness {
  store: WorkOrderStore;
  references: References;
  /** Lets the retention of a closed order run out: the clock at `at` (memory), or checks the TTL and expires the key (Redis). */
  expire(reference: string, at: number): Promise<void>;
  cleanup(): Promise<void>;
}

/** The WorkOrders contract, run against every store. */
export function describeWorkOrdersContract(name: string, make: (clock: ManualClock) => Promise<WorkOrdersHarness>): void {
  describe(`WorkOrders contract: ${name}`, () => {
    let deadlines: WorkOrderDeadlines;
    let clock: ManualClock;
    let h: WorkOrdersHarness;
    let service: WorkOrderService;
    const agent = { kind: 'agent', name: 'li' } as const;
    const dept = { kind: 'department', name: '城管局' } as const;

    beforeAll(async () => {
      deadlines = await testDeadlines();
    });
    beforeEach(async (ctx) => {
      clock = new ManualClock(T0);
      h = await make(clock);
      service = new WorkOrderService({ store: h.store, references: h.references, deadlines, platform: false, clock });
      ctx.onTestFinished(() => h.cleanup());
    });

    async function closedOrder(key = 'x') {
      const o = await service.file(filing({ key: `f-${key}` }));
      await service.transition(o.reference, { to: '派单', lead: '城管局', actor: agent, at: T0 + HOUR, key: `${key}1` });
      await service.transition(o.reference, { to: '办理', actor: dept, at: T0 + HOUR, key: `${key}2` });
      return service.transition(o.reference, { to: '办结', reply: '已处理', actor: dept, at: T0 + 2 * HOUR, key: `${key}3` });
    }

    it('files under a GD number with its deadline; the same key files once', async () => {
      const f = filing();
      const [a, b] = await Promise.all([service.file(f), service.file(f)]);
      expect(a.reference).toMatch(/^GD20261201\d+$/);
      expect(b.reference).toBe(a.reference);
      expect(a).toMatchObject({ status: '受理', supervised: false, sync: { state: 'local', attempts: 0 }, deadline: { dueDate: '12月8日', kind: 'reply' } });
      expect(await service.get(a.reference)).toEqual(a);
      expect(await service.listByResident(residentKeyOf(f.address), 10)).toEqual([a]);
    });

    it('lists a resident’s orders newest first, and no one else’s', async () => {
      const first = await service.file(filing({ key: 'a' }));
      const second = await service.file(filing({ key: 'b', at: T0 + HOUR }));
      await service.file(filing({ key: 'c', address: { channel: 'test', userId: 'other', conversationId: 'c9' } }));
      const mine = await service.listByResident('test:u1', 10);
      expect(mine.map((o) => o.reference)).toEqual([second.reference, first.reference]);
      expect(await service.listByResident('test:u1', 1)).toHaveLength(1);
    });

    it('moves through the lifecycle, keyed; a retried move changes nothing and a refused one throws', async () => {
      const o = await service.file(filing());
      const move = { to: '派单', lead: '城管局', actor: agent, at: T0 + HOUR, key: 'd1' } as const;
      const a = await service.transition(o.reference, move);
      expect(await service.transition(o.reference, move)).toEqual(a);
      expect((await service.get(o.reference))!.history).toHaveLength(2);
      await expect(service.transition(o.reference, { to: '回访', actor: agent, at: T0, key: 'v' })).rejects.toBeInstanceOf(WorkOrderTransitionError);
      await expect(service.transition('GD20261201999999', move)).rejects.toBeInstanceOf(WorkOrderNotFoundError);
    });

    it('concurrent writes from several callers all land (optimistic versions)', async () => {
      const o = await service.file(filing());
      await Promise.all(Array.from({ length: 10 }, (_, i) => service.append(o.reference, { text: `补充${i}`, at: T0 + i, key: `add${i}`, actor: { kind: 'resident' } })));
      const after = await service.get(o.reference);
      expect(after!.additions).toHaveLength(10);
      expect(after!.history).toHaveLength(11);
    });

    it('rates once; a bad rating opens 整改 and lists it; an appeal is recorded', async () => {
      const o = await closedOrder();
      const rated = await service.rate(o.reference, { level: 1, reason: '没解决', at: T0 + DAY, key: 'r' });
      expect(rated.status).toBe('整改');
      await expect(service.rate(o.reference, { level: 5, at: T0 + DAY, key: 'r2' })).rejects.toThrow(/rated already/);
      expect((await service.list({ rectification: true, at: T0 + DAY, limit: 10 })).map((x) => x.reference)).toEqual([o.reference]);
      const appealed = await service.appeal(o.reference, { by: '城管局', reason: '已按政策答复', at: T0 + 2 * DAY, key: 'ap' });
      expect(appealed.rating?.appeal?.by).toBe('城管局');
      await service.transition(o.reference, { to: '答复', reply: '重新处理完毕', actor: dept, at: T0 + 3 * DAY, key: 're' });
      expect(await service.list({ rectification: true, at: T0 + 3 * DAY, limit: 10 })).toEqual([]);
    });

    it('lists overdue orders, by status, and marks them 督办', async () => {
      const late = await service.file(filing({ key: 'late' }));
      const praise = await service.file(filing({ key: 'praise', type: '表扬' }));
      const dueAt = late.deadline!.dueAt;
      expect(await service.list({ overdue: true, at: dueAt - 1, limit: 10 })).toEqual([]);
      expect((await service.list({ overdue: true, at: dueAt, limit: 10 })).map((o) => o.reference)).toEqual([late.reference]);
      expect((await service.list({ status: '受理', at: dueAt, limit: 10 })).map((o) => o.reference).sort()).toEqual([late.reference, praise.reference].sort());
      expect(await service.supervise(dueAt)).toBe(1);
      expect(await service.supervise(dueAt + HOUR)).toBe(0);
      expect((await service.get(late.reference))!.supervised).toBe(true);
      await service.transition(late.reference, { to: '办结', reply: '已答复', actor: agent, at: dueAt + HOUR, key: 'c' });
      expect(await service.list({ overdue: true, at: dueAt + DAY, limit: 10 })).toEqual([]);
    });

    it('finds a similar open order: same place or similar words, same type family, within 30 days', async () => {
      const o = await service.file(filing({ key: 'o', location: { text: '幸福路12号', lat: 43.8256, lng: 87.6168 } }));
      const probe = (p: Partial<{ description: string; location: { text?: string; lat?: number; lng?: number }; type: '投诉' | '咨询' | '求助' }>) =>
        service.findSimilarOpen('test:u1', { description: '楼下烧烤油烟太大', type: '投诉', ...p });
      expect((await probe({ location: { text: '幸福路 12号' } }))?.reference).toBe(o.reference);
      expect((await probe({ location: { lat: 43.8265, lng: 87.6168 } }))?.reference).toBe(o.reference); // ~100 m
      expect(await probe({ location: { lat: 43.83, lng: 87.6168 } })).toBeUndefined(); // ~500 m
      expect((await probe({ description: '幸福路12号小区门口每天晚上都有流动摊贩占道经营' }))?.reference).toBe(o.reference);
      expect((await probe({ type: '求助', location: { text: '幸福路12号' } }))?.reference).toBe(o.reference);
      expect(await probe({ type: '咨询', location: { text: '幸福路12号' } })).toBeUndefined();
      expect(await service.findSimilarOpen('test:other', { description: '幸福路12号小区门口每天晚上有流动摊贩占道经营', type: '投诉' })).toBeUndefined();
      clock.set(T0 + 31 * DAY);
      expect(await probe({ location: { text: '幸福路12号' } })).toBeUndefined();
    });

    it('closed orders are not similar-open, and are dropped after the retention', async () => {
      const open = await service.file(filing({ key: 'open', description: '另一件事：路灯不亮' }));
      const o = await closedOrder();
      expect(await service.findSimilarOpen('test:u1', { description: filing().description, type: '投诉' })).toBeUndefined();
      await h.expire(o.reference, T0 + 2 * HOUR + RETENTION_MS);
      expect(await service.get(o.reference)).toBeUndefined();
      expect((await service.listByResident('test:u1', 10)).map((x) => x.reference)).toEqual([open.reference]);
      expect(await service.get(open.reference)).toBeDefined();
    });
  });
}
