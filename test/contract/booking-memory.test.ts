import { MemoryBookingBackend } from '../../integrations/govservice/booking/memory-store';
import { describeBookingContract } from './booking.contract';

describeBookingContract('memory', async (rules) => ({ backend: new MemoryBookingBackend(rules), cleanup: async () => undefined }));
