import type { Clock, HealthCheck } from '../../../bot/ports';
import type { WorkCalendar } from './calendar';
import { dateOf, type Instant } from './dates';

/** How far ahead the calendar must be confirmed before operators are warned (bookings and deadlines reach this far). */
export const CALENDAR_HORIZON_DAYS = 60;

/**
 * A warning for operators when a day within `horizonDays` of `now` is unconfirmed (the next
 * year's schedule not loaded, the region's notice missing or unchecked); undefined when all is confirmed.
 */
export function calendarAdvisory(calendar: WorkCalendar, now: Instant, horizonDays = CALENDAR_HORIZON_DAYS): string | undefined {
  const coverage = calendar.coverage(dateOf(now), horizonDays);
  if (coverage.ok) return undefined;
  const from = Number(coverage.firstUnconfirmed?.slice(0, 4));
  const todo = coverage.years.filter((y) => y.year >= from).flatMap((y) => [
    ...(y.national !== 'published' ? [`the ${y.year} national schedule (flows/catalog/calendar/${y.year}.yaml)`] : []),
    ...(y.regional !== 'confirmed' ? [`the ${y.year} regional notice (flows/catalog/calendar/regional.yaml, ${y.regional})`] : []),
  ]);
  return `calendar unconfirmed from ${coverage.firstUnconfirmed} (within ${horizonDays} days): ${coverage.note ?? 'unconfirmed day'}; dates from then on are shown as 预计 — load ${todo.join(' and ') || 'the missing schedule'} (docs/calendar.md)`;
}

/** An advisory readiness check: reported by /readyz as a warning, never taking the service out of rotation. */
export function calendarHealthCheck(calendar: WorkCalendar, clock: Clock, horizonDays = CALENDAR_HORIZON_DAYS): HealthCheck {
  return {
    name: 'calendar',
    advisory: true,
    async check() {
      const advisory = calendarAdvisory(calendar, clock.now(), horizonDays);
      if (advisory) throw new Error(advisory);
    },
  };
}
