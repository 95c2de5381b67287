import { ManualClock } from '../../bot/clock';
import { MemoryDeskEventLog, MemoryHandoffStore, MemoryTranscriptStore } from '../../bot/handoff/memory';
import { MemoryAuditLog, MemoryStaffDirectory } from '../../bot/staff/memory';
import { describeDeskContract } from './handoff.contract';

describeDeskContract('memory', async () => {
  const clock = new ManualClock(Date.parse('2026-12-01T10:00:00+08:00'));
  // One process: "two instances" share the same objects.
  const store = new MemoryHandoffStore();
  const events = new MemoryDeskEventLog({ clock });
  return {
    store,
    otherStore: store,
    transcripts: new MemoryTranscriptStore({ clock, retentionMs: 30 * 86_400_000 }),
    events,
    otherEvents: events,
    reading: async () => undefined,
    staff: new MemoryStaffDirectory(),
    audit: new MemoryAuditLog({ clock, retentionMs: 365 * 86_400_000 }),
    now: () => clock.now(),
    cleanup: async () => undefined,
  };
});
