import { MemoryReferences } from '../../bot/memory';
import { MemoryWorkOrderStore } from '../../integrations/govservice/workorders/memory-store';
import { describeWorkOrdersContract, RETENTION_MS } from './workorders.contract';

describeWorkOrdersContract('memory', async (clock) => ({
  store: new MemoryWorkOrderStore({ retentionMs: RETENTION_MS, clock }),
  references: new MemoryReferences({ clock }),
  expire: async (_reference, at) => clock.set(at),
  cleanup: async () => undefined,
}));
