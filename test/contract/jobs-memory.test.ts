import { ManualClock } from '../../bot/clock';
import { silentLogger } from '../../bot/logger';
import { MemoryJobQueue } from '../../bot/memory';
import { describeJobsContract } from './jobs.contract';

describeJobsContract('memory', async () => {
  const clock = new ManualClock(Date.parse('2026-12-01T10:00:00+08:00'));
  const queues: MemoryJobQueue[] = [];
  return {
    // One process: "another instance" is the same queue.
    queue: async () => queues[0] ?? (queues[queues.push(new MemoryJobQueue({ clock, logger: silentLogger(), backoffMs: 100 })) - 1] as MemoryJobQueue),
    now: () => clock.now(),
    elapse: async (ms) => {
      clock.advance(ms);
      for (const q of queues) await q.runDue();
    },
    cleanup: async () => undefined,
  };
});
