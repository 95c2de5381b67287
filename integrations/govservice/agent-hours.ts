import { z } from 'zod';
import type { OfficeHours } from '../../bot/handoff/office-hours';
import type { DeskTeam } from '../../flows/desk';
import { describeWeekHours, type WorkCalendar } from './calendar';
import { HoursRuleSchema, SpecialDaySchema } from './calendar/schema';

/** The calendar schedule id of a team's desk. */
export const deskScheduleId = (team: string): string => `desk-${team}`;

/**
 * The agent teams' hours (flows/desk.yaml) as calendar schedules: open periods, holidays and
 * 调休 as for any hall, working-time SLA clocks and callback promises. Throws naming the team
 * and field when the hours do not parse.
 */
export function deskOfficeHours(calendar: WorkCalendar, teams: DeskTeam[]): OfficeHours {
  const specs = teams.map((team) => {
    const hours = z.array(HoursRuleSchema).safeParse(team.hours);
    const specialDays = z.array(SpecialDaySchema).safeParse(team.specialDays);
    const problem = !hours.success ? hours.error.issues[0] : !specialDays.success ? specialDays.error.issues[0] : undefined;
    if (problem) throw new Error(`flows/desk.yaml: team "${team.id}": ${problem.path.join('.')}: ${problem.message}`);
    return { id: deskScheduleId(team.id), hours: hours.data ?? [], specialDays: specialDays.data ?? [] };
  });
  const desk = calendar.withSchedules(specs);
  const known = new Set(teams.map((t) => t.id));
  const sid = (team: string): string => {
    if (!known.has(team)) throw new RangeError(`unknown desk team "${team}"`);
    return deskScheduleId(team);
  };
  return {
    isOpen: (team, at) => desk.isOpenAt(sid(team), at),
    nextOpen(team, at) {
      const p = desk.nextOpenPeriod(sid(team), at);
      return p ? { start: p.start.getTime(), end: p.end.getTime(), confirmed: p.confirmed } : undefined;
    },
    describe: (team, at) => describeWeekHours(desk.weekHours(sid(team), desk.dateOf(at)).week),
    workingMs: (team, from, to) => (to <= from ? 0 : desk.workingTimeBetween(sid(team), from, to)),
    addWorking(team, from, ms) {
      const r = desk.addWorkingTime(sid(team), from, ms);
      return { at: r.due.getTime(), confirmed: r.confirmed };
    },
  };
}
