import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../bot/clock';
import { conversationStoreFrom, MemoryConversationLock, MemoryDeduper, MemoryReferences, MemorySessionStore, MemoryVersionedStore } from '../../bot/memory';
import { describePortsContract, type PortsHarness } from './ports.contract';
import { describeReferencesContract } from './references.contract';

async function memoryHarness(): Promise<PortsHarness> {
  const clock = new ManualClock();
  const references = new MemoryReferences({ clock, sweepMs: false });
  const sessions = new MemorySessionStore({ clock, sweepMs: false });
  const deduper = new MemoryDeduper({ clock, sweepMs: false });
  // One lock object per lease: in memory, "two instances" can only share a queue by sharing the object.
  const locks = new Map<number, MemoryConversationLock>();
  const lock = ({ leaseMs = 30_000 } = {}) => {
    let shared = locks.get(leaseMs);
    if (shared === undefined) locks.set(leaseMs, (shared = new MemoryConversationLock({ leaseMs })));
    return shared;
  };
  return {
    sessions,
    deduper,
    versions: new MemoryVersionedStore(),
    references,
    lock,
    conversations: (options) => conversationStoreFrom({ deduper, sessions, lock: lock(options) }),
    elapse: async (ms) => clock.advance(ms),
    cleanup: async () => {
      sessions.close();
      deduper.close();
      references.close();
    },
  };
}

describePortsContract('memory', memoryHarness);
describeReferencesContract('memory', memoryHarness);

describe('memory stores: housekeeping', () => {
  it('sweeps expired sessions and dedupe claims so memory does not grow', async () => {
    const clock = new ManualClock();
    const sessions = new MemorySessionStore({ clock, sweepMs: false });
    const deduper = new MemoryDeduper({ clock, sweepMs: false });
    await sessions.set('a', 1, 1);
    await sessions.set('b', 2, 10);
    await deduper.claim('m1', 1);
    await deduper.claim('m2', 10);
    clock.advance(5_000);
    expect(sessions.sweep()).toBe(1);
    expect(deduper.sweep()).toBe(1);
    expect(sessions.size).toBe(1);
    expect(deduper.size).toBe(1);
    expect(await sessions.get('b')).toBe(2);
  });

  it('runs the sweep on its own timer', async () => {
    const clock = new ManualClock();
    const sessions = new MemorySessionStore({ clock, sweepMs: 5 });
    await sessions.set('a', 1, 1);
    clock.advance(2_000);
    await expect.poll(() => sessions.size).toBe(0);
    sessions.close();
  });

  it('moves a ManualClock only when told, and never backwards', () => {
    const clock = new ManualClock(1_000);
    expect(clock.now()).toBe(1_000);
    clock.advance(500);
    expect(clock.now()).toBe(1_500);
    clock.set(10);
    expect(clock.now()).toBe(10);
    expect(() => clock.advance(-1)).toThrow(RangeError);
  });

  it('forgets a lock key once its queue drains, including after errors', async () => {
    const lock = new MemoryConversationLock();
    const runs = Array.from({ length: 10 }, (_, i) =>
      lock.run(`k${i % 3}`, async () => {
        if (i === 4) throw new Error('x');
        return i;
      }),
    );
    expect(lock.activeKeys).toBe(3);
    await Promise.allSettled(runs);
    expect(lock.activeKeys).toBe(0);
  });
});
