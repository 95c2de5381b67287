/**
 * When each team of agents works (flows/desk.yaml on the working-day calendar): several periods a
 * day, holidays and 调休 from the calendar. Implemented by integrations/govservice/agent-hours.ts.
 */
export interface OfficeHours {
  isOpen(team: string, at: number): boolean;
  /** The period open at `at`, or the next one to open. */
  nextOpen(team: string, at: number): { start: number; end: number; confirmed: boolean } | undefined;
  /** The team's hours in words for residents: "周一至周五 10:00-14:00、15:30-19:30；周六 11:00-17:00；周日 休息". */
  describe(team: string, at: number): string;
  /** Open time between two instants, in ms (SLA clocks run only while the team works). */
  workingMs(team: string, from: number, to: number): number;
  /** The instant when `ms` of open time after `from` have passed (a promised callback). */
  addWorking(team: string, from: number, ms: number): { at: number; confirmed: boolean };
}

/** Always open: for a desk that never closes (tests, a 7×24 hotline team). */
export const ALWAYS_OPEN: OfficeHours = {
  isOpen: () => true,
  nextOpen: (_team, at) => ({ start: at, end: at + 86_400_000, confirmed: true }),
  describe: () => '全天',
  workingMs: (_team, from, to) => Math.max(0, to - from),
  addWorking: (_team, from, ms) => ({ at: from + ms, confirmed: true }),
};
