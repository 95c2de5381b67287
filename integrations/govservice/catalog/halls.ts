import type { WorkCalendar } from '../calendar/calendar';
import { describeWeekHours, relativeDate, WEEKDAY_NAMES } from '../calendar/describe';
import type { Hall } from './schema';

export interface LatLng {
  lat: number;
  lng: number;
}

/** Great-circle distance in kilometres (haversine). */
export function distanceKm(a: LatLng, b: LatLng): number {
  const rad = (d: number) => (d * Math.PI) / 180;
  const h = Math.sin(rad(b.lat - a.lat) / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(rad(b.lng - a.lng) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

/** The hall closest to `from`, with its distance. */
export function nearestHall<T extends { hall: Hall }>(candidates: T[], from: LatLng): (T & { distanceKm: number }) | undefined {
  return candidates
    .map((c) => ({ ...c, distanceKm: distanceKm(from, c.hall) }))
    .sort((a, b) => a.distanceKm - b.distanceKm)[0];
}

/** Said after anything that rests on an unconfirmed schedule. */
export const ESTIMATE = '（预计，以大厅公告为准）';

/**
 * The hours in force on `now`'s date (the season's, or the window group's):
 * 「周一至周五 10:00-14:00、15:30-19:30；周六至周日 休息（冬季作息）」.
 */
export function describeWeek(calendar: WorkCalendar, hall: Hall, now: Date, window?: string): string {
  const { week, season } = calendar.weekHours(hall.id, calendar.dateOf(now), window);
  return `${describeWeekHours(week)}${season ? `（${season}）` : ''}`;
}

/**
 * Today at this hall (or window group), from the calendar: 「今天（周三）办公：10:00-14:00、15:30-19:30」,
 * 「今天（周日，调休上班）办公：…」, 「今天（国庆节）休息，10月8日（周四）起正常办公」; 「预计」 when the
 * day's schedule is unconfirmed (ESTIMATE).
 */
export function describeToday(calendar: WorkCalendar, hall: Hall, now: Date, window?: string): string {
  const today = calendar.dateOf(now);
  const day = calendar.dayInfo(today, hall.id, window);
  const weekday = WEEKDAY_NAMES[day.weekday];
  if (day.open) {
    const label = day.kind === 'makeup' ? `${weekday}，调休上班` : day.kind === 'holiday' ? day.reason : weekday;
    return `今天（${label}）办公：${day.hours.join('、')}${day.special ? `（${day.special}）` : ''}${day.confirmed ? '' : ESTIMATE}`;
  }
  const why = day.kind === 'holiday' ? day.reason : weekday;
  const windows = (day.windows ?? []).filter((w) => w.hours.length > 0);
  if (windows.length > 0) return `今天（${why}）只开${windows.map((w) => `${w.window}：${w.hours.join('、')}`).join('；')}${day.confirmed ? '' : ESTIMATE}`;
  const next = calendar.nextOpenDays(hall.id, today, 1, { window })[0];
  const reopen = next ? `，${relativeDate(next.date, today)}起正常办公` : '';
  const closed = day.special ? `不办公（${day.special}）` : '休息';
  return `今天（${why}）${closed}${reopen}${day.confirmed && (next?.confirmed ?? true) ? '' : ESTIMATE}`;
}
