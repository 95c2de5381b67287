/**
 * The working-day calendar and time-limit arithmetic everything else builds on (booking,
 * progress, 12345 deadlines, agent SLA clocks). Data in flows/catalog/calendar; see docs/calendar.md.
 * The loaded catalogue carries one with every hall's hours: `catalog.calendar`.
 */
export { createCalendar, type WorkCalendar, type OpenPeriod, type Coverage } from './calendar';
export { loadCalendarData, readCalendarDocs, buildCalendarData, CalendarError, DEFAULT_CALENDAR_DIR, type CalendarData, type CalendarDocs, type CalendarProblem } from './data';
export type { DayInfo, DayKind, YearCoverage } from './days';
export type { ScheduleDay } from './hours';
export { TimeLimitSchema, isOverdue, MAX_SCAN_DAYS, type TimeLimit, type PauseInterval, type Deadline, type DeadlineOptions, type DatedResult } from './limits';
export { calendarAdvisory, calendarHealthCheck } from './health';
export { formatDate, formatDue, relativeDate, describeWeekHours, WEEKDAY_NAMES } from './describe';
export { CALENDAR_TIME_ZONE, dateOf, addDays, isIsoDate, weekdayOf, type IsoDate, type Instant, type Weekday } from './dates';
export type { ScheduleSpec, HoursRule, WeekHours, SpecialDay, Season } from './schema';
