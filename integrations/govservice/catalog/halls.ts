import { WEEKDAYS, type Hall, type OpeningHours, type Weekday } from './schema';

export interface LatLng {
  lat: number;
  lng: number;
}

const DAY_NAMES: Record<Weekday, string> = { mon: '周一', tue: '周二', wed: '周三', thu: '周四', fri: '周五', sat: '周六', sun: '周日' };

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

/** 「周一至周五 10:00-14:00、15:30-19:30；周六 10:30-14:00；周日休息」 — consecutive days with equal hours grouped. */
export function describeWeek(hours: OpeningHours): string {
  const groups: { from: Weekday; to: Weekday; ranges: string }[] = [];
  for (const day of WEEKDAYS) {
    const ranges = hours[day].join('、');
    const last = groups.at(-1);
    if (last && last.ranges === ranges) last.to = day;
    else groups.push({ from: day, to: day, ranges });
  }
  return groups
    .map((g) => `${DAY_NAMES[g.from]}${g.from === g.to ? '' : `至${DAY_NAMES[g.to]}`} ${g.ranges || '休息'}`)
    .join('；');
}

/** The weekday of an instant in a time zone (halls keep local hours). */
export function weekdayAt(now: Date, timeZone: string): Weekday {
  const short = new Intl.DateTimeFormat('en-US', { weekday: 'short', timeZone }).format(now).toLowerCase().slice(0, 3);
  return (WEEKDAYS as readonly string[]).includes(short) ? (short as Weekday) : 'mon';
}

/** 「今天（周三）办公：10:00-14:00、15:30-19:30」 or 「今天（周日）休息」. */
export function describeToday(hours: OpeningHours, now: Date, timeZone: string): string {
  const day = weekdayAt(now, timeZone);
  const ranges = hours[day];
  return ranges.length > 0 ? `今天（${DAY_NAMES[day]}）办公：${ranges.join('、')}` : `今天（${DAY_NAMES[day]}）休息`;
}
