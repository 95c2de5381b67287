import { describe, expect, it } from 'vitest';
import { parseReference, validReference } from '../../bot/references';
import type { PortsHarness } from './ports.contract';

const at = (iso: string) => Date.parse(iso);

/**
 * The behaviour every `References` must show, with records filed through the same harness's
 * `ConversationStore` as the bot files them. Run it with `describeReferencesContract('memory', factory)`.
 */
export function describeReferencesContract(name: string, factory: () => Promise<PortsHarness>): void {
  describe(`references contract: ${name}`, () => {
    const withHarness = (test: (h: PortsHarness) => Promise<void>) => async () => {
      const h = await factory();
      try {
        await test(h);
      } finally {
        await h.cleanup();
      }
    };

    it(
      'numbers a day from 1 per prefix, on the Asia/Shanghai date, with a check digit',
      withHarness(async (h) => {
        // 00:30 in Beijing is still the previous day in UTC.
        const first = await h.references.issue('suggestion', 'k1', at('2026-12-01T00:30:00+08:00'));
        expect(first).toMatch(/^YJ2026120100001\d$/);
        expect(parseReference(first)).toEqual({ reference: first, kind: 'suggestion', prefix: 'YJ', date: '2026-12-01', serial: 1 });
        expect(await h.references.issue('suggestion', 'k2', at('2026-12-01T23:59:59.999+08:00'))).toMatch(/^YJ2026120100002\d$/);
        expect(await h.references.issue('workOrder', 'k3', at('2026-12-01T12:00:00+08:00'))).toMatch(/^GD2026120100001\d$/);
        expect(await h.references.issue('booking', 'k4', at('2026-12-01T12:00:00+08:00'))).toMatch(/^YY2026120100001\d$/);
        expect(await h.references.issue('suggestion', 'k5', at('2026-12-02T00:00:00+08:00'))).toMatch(/^YJ2026120200001\d$/);
      }),
    );

    it(
      'gives a key issued before the same reference again (a platform retry), even after midnight',
      withHarness(async (h) => {
        const a = await h.references.issue('suggestion', 'wechat-mp:m1:feedback:submit', at('2026-12-01T23:59:59+08:00'));
        const again = await Promise.all([1, 2, 3].map(() => h.references.issue('suggestion', 'wechat-mp:m1:feedback:submit', at('2026-12-02T00:00:01+08:00'))));
        expect(again).toEqual([a, a, a]);
        expect(await h.references.issue('suggestion', 'wechat-mp:m2:feedback:submit', at('2026-12-01T23:59:59+08:00'))).toMatch(/^YJ2026120100002\d$/);
      }),
    );

    it(
      '10,000 filings in one day: 10,000 distinct valid references and 10,000 records, none overwritten',
      withHarness(async (h) => {
        const day = at('2026-12-01T10:00:00+08:00');
        const keys = Array.from({ length: 10_000 }, (_, i) => `wechat-mp:60547685900647${String(i).padStart(5, '0')}:feedback:submit`);
        const references: string[] = [];
        for (let i = 0; i < keys.length; i += 1_000) {
          references.push(...(await Promise.all(keys.slice(i, i + 1_000).map((key, j) => h.references.issue('suggestion', key, day + i + j)))));
        }
        expect(new Set(references).size).toBe(10_000);
        expect(references.every(validReference)).toBe(true);
        expect(references.map((r) => parseReference(r)!.serial).sort((a, b) => a - b)).toEqual(Array.from({ length: 10_000 }, (_, i) => i + 1));

        // Filed as the bot files them: each with its turn's state write (one conversation each).
        const store = h.conversations();
        for (let i = 0; i < references.length; i += 500) {
          await Promise.all(
            references.slice(i, i + 500).map((reference, j) =>
              store.turn({ claim: keys[i + j]!, claimTtlSeconds: 60, conversation: `conv:r${i + j}`, state: `r${i + j}` }, async () => ({
                result: reference,
                write: { kind: 'save', value: { done: true }, ttlSeconds: 60 },
                records: [{ key: `rec:feedback:${reference}`, value: { reference, n: i + j }, ttlSeconds: 3_600 }],
              })),
            ),
          );
        }
        const stored = await Promise.all(references.map((reference) => h.sessions.get(`rec:feedback:${reference}`)));
        expect(stored.every((record, n) => (record as { reference: string; n: number }).reference === references[n] && (record as { n: number }).n === n)).toBe(true);

        // Retries of a hundred of them get their numbers back; the next new filing is the 10,001st.
        expect(await Promise.all(keys.slice(0, 100).map((key) => h.references.issue('suggestion', key, day)))).toEqual(references.slice(0, 100));
        expect(parseReference(await h.references.issue('suggestion', 'one more', day))!.serial).toBe(10_001);
      }),
      120_000,
    );
  });
}
