import { afterEach, describe, expect, it } from 'vitest';
import type { JobQueue } from '../../bot/ports';

export interface JobsHarness {
  /** A queue on shared state: two calls are two instances (memory: the same queue). */
  queue(): Promise<JobQueue>;
  now(): number;
  /** Lets time pass and due jobs run (memory: the clock moves; Redis: real time). */
  elapse(ms: number): Promise<void>;
  cleanup(): Promise<void>;
}

/** The JobQueue contract, for the memory queue and BullMQ on Redis. */
export function describeJobsContract(name: string, makeHarness: () => Promise<JobsHarness>): void {
  describe(`JobQueue contract (${name})`, () => {
    let h: JobsHarness;
    const open: JobQueue[] = [];
    const queue = async () => {
      const q = await h.queue();
      open.push(q);
      return q;
    };
    afterEach(async () => {
      for (const q of open.splice(0)) await q.close();
      await h?.cleanup();
    });

    it('runs a delayed job at its time, with its data, once even when scheduled twice', async () => {
      h = await makeHarness();
      const q = await queue();
      const runs: unknown[] = [];
      q.handle('remind', async (data) => void runs.push(data));
      await q.start();
      await q.schedule({ id: 'remind-a', name: 'remind', runAt: h.now() + 400, data: { booking: 'YY1' } });
      await q.schedule({ id: 'remind-a', name: 'remind', runAt: h.now() + 400, data: { booking: 'YY1' } });
      await h.elapse(100);
      expect(runs).toEqual([]);
      await h.elapse(900);
      await expect.poll(() => runs, { timeout: 5_000 }).toEqual([{ booking: 'YY1' }]);
      await h.elapse(500);
      expect(runs).toHaveLength(1);
    });

    it('never runs a cancelled job', async () => {
      h = await makeHarness();
      const q = await queue();
      const runs: string[] = [];
      q.handle('remind', async (data) => void runs.push(String(data.booking)));
      await q.start();
      await q.schedule({ id: 'remind-x', name: 'remind', runAt: h.now() + 300, data: { booking: 'X' } });
      await q.schedule({ id: 'remind-y', name: 'remind', runAt: h.now() + 300, data: { booking: 'Y' } });
      await q.cancel('remind-x');
      await q.cancel('remind-unknown');
      await h.elapse(800);
      await expect.poll(() => runs, { timeout: 5_000 }).toEqual(['Y']);
    });

    it('retries a job whose handler throws, with its attempt number', async () => {
      h = await makeHarness();
      const q = await queue();
      const attempts: number[] = [];
      q.handle('flaky', async (_data, job) => {
        attempts.push(job.attempt);
        if (job.attempt < 3) throw new Error('platform down');
      });
      await q.start();
      await q.schedule({ id: 'flaky-1', name: 'flaky', runAt: h.now(), data: {} });
      for (let i = 0; i < 20 && attempts.length < 3; i++) await h.elapse(200);
      await expect.poll(() => attempts, { timeout: 5_000 }).toEqual([1, 2, 3]);
    });

    it('runs a recurring job again and again', async () => {
      h = await makeHarness();
      const q = await queue();
      let runs = 0;
      q.handle('poll', async () => void runs++);
      await q.start();
      await q.every('poll', 200);
      for (let i = 0; i < 20 && runs < 3; i++) await h.elapse(250);
      expect(runs).toBeGreaterThanOrEqual(3);
    });
  });
}
