import { afterEach, describe, expect, it } from 'vitest';
import type { ProgressBackend } from '../../integrations/govservice/progress/port';

export const NOW = Date.parse('2026-12-01T10:00:00+08:00');

export interface ProgressHarness {
  backend: ProgressBackend;
  /** Moves the platform's own clock (a remote platform answers at its time, not ours). */
  at(ms: number): void;
  cleanup(): Promise<void>;
}

/**
 * The progress backend contract, on the seeded demo applications (the simulator started at NOW):
 * both factors or nothing, the same nothing for an unknown number and a wrong factor, system
 * reads by number, and changes raising the version.
 */
export function describeProgressContract(name: string, make: () => Promise<ProgressHarness>): void {
  describe(`ProgressBackend contract (${name})`, () => {
    let h: ProgressHarness | undefined;
    afterEach(async () => {
      await h?.cleanup();
      h = undefined;
    });

    it('answers a number with its second factor, and nothing else', async () => {
      h = await make();
      const app = await h.backend.lookup('SL6501000018', '5678', NOW);
      expect(app).toMatchObject({ number: 'SL6501000018', item: { code: 'GA-SFZ-HL' }, applicant: '张*兰', timeLimit: { amount: 15, unit: 'workday' } });
      expect(app?.timeline.map((e) => e.step)).toEqual(['收件', '受理', '审查']);
      expect(await h.backend.lookup('sl 6501-000018', '5678', NOW)).toMatchObject({ number: 'SL6501000018' });
      // Unknown number and wrong factor: the same undefined.
      expect(await h.backend.lookup('SL6501000018', '0000', NOW)).toBeUndefined();
      expect(await h.backend.lookup('SL6501999999', '5678', NOW)).toBeUndefined();
      expect(JSON.stringify(app)).not.toContain('5678');
    });

    it('reads by number for watches, and a later step raises the version', async () => {
      h = await make();
      const before = await h.backend.get('SL6501000018', NOW);
      h.at(NOW + 5 * 60_000);
      const after = await h.backend.get('SL6501000018', NOW + 5 * 60_000);
      expect(after?.timeline.map((e) => e.step)).toEqual(['收件', '受理', '审查', '决定', '制证']);
      expect(after!.version).toBeGreaterThan(before!.version);
      expect(await h.backend.get('SL6501999999', NOW)).toBeUndefined();
    });

    it('carries 补正 in full, special procedures, the outcome and the waybill', async () => {
      h = await make();
      expect((await h.backend.get('SL6501000026', NOW))?.correction).toMatchObject({ items: [expect.stringContaining('经营场所使用证明'), expect.stringContaining('经营范围')], resubmittedAt: null });
      expect((await h.backend.get('SL6501000075', NOW))?.special).toMatchObject([{ kind: '评定' }]);
      expect((await h.backend.get('SL6501000083', NOW))?.outcome).toMatchObject({ decision: '不予' });
      expect((await h.backend.get('SL6501000034', NOW))?.delivery).toMatchObject({ method: 'EMS', waybill: '1180723465519' });
      expect(await h.backend.byBookings(['YY20261201000001'], NOW)).toEqual([]);
    });
  });
}
