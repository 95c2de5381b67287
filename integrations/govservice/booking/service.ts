import { addDays, formatDate, WEEKDAY_NAMES, weekdayOf, type WorkCalendar } from '../calendar';
import type { ScheduleDay } from '../calendar';
import type { Catalog } from '../catalog';
import type { BookingBackend, ReserveRequest } from './port';
import type { BookableWindow, BookingConfig } from './rules';
import type { ReserveResult, Slot, SlotFree } from './schema';

/** A day or time as the flow offers it (see the flow language's offered dates and times). */
export interface Offer {
  label: string;
  value: string;
  end?: string;
  synonyms?: string[];
  unavailable?: string;
}

const EARLIEST = ['最早', '最早的', '最近', '最近的', '越快越好', '越早越好', '尽快', '最快', '随便', '都行', '都可以', '哪天都行', '随便哪天', '哪个都行', '无所谓'];
const LATEST = ['最晚', '最晚的', '晚一点', '晚点的'];

/** 「12月2日（周三）」 */
export const dayText = (date: string): string => formatDate(date, { weekday: true });

/** 「12月2日（明天，周三）」, 「12月3日（后天，周四）」, 「9月20日（周日，调休上班）」, else 「12月7日（周一）」. */
export function dayLabel(date: string, today: string, makeup = false): string {
  const near = date === addDays(today, 1) ? '明天，' : date === addDays(today, 2) ? '后天，' : '';
  return `${formatDate(date)}（${near}${WEEKDAY_NAMES[weekdayOf(date)]}${makeup ? '，调休上班' : ''}）`;
}

/**
 * The booking rules that rest on the calendar, whatever the backend: which days can be booked
 * (the next `daysAhead` days the window group is open; today only with `sameDay`; never a day
 * whose schedule is unconfirmed: 预计 days are refused and said so), the lead time, the next free
 * slot when one is full, and the cancellation deadline.
 */
export class BookingService {
  constructor(
    readonly config: BookingConfig,
    readonly calendar: WorkCalendar,
    readonly backend: BookingBackend,
    readonly catalog: Catalog,
  ) {}

  windowAt(code: string, hallId: string): BookableWindow {
    const w = this.config.windowAt(code, hallId);
    if (!w) throw new RangeError(`"${code}" cannot be booked at hall "${hallId}"`);
    return w;
  }

  /** The days in the booking horizon, open for the window group, confirmed or not. */
  horizon(w: BookableWindow, now: number): ScheduleDay[] {
    const today = this.calendar.dateOf(now);
    return this.calendar.nextOpenDays(w.hall.id, today, this.config.rules.daysAhead + (this.config.rules.sameDay ? 1 : 0), { window: w.window, includeFrom: this.config.rules.sameDay });
  }

  /** Slots an applicant could book now (lead time kept), with free places, on confirmed days of the horizon. */
  async bookable(w: BookableWindow, elderly: boolean, now: number, dates?: string[]): Promise<SlotFree[]> {
    const days = (dates ?? this.horizon(w, now).filter((d) => d.confirmed).map((d) => d.date));
    if (days.length === 0) return [];
    const slots = await this.backend.availability({ hall: w.hall.id, window: w.window, dates: days, elderly, now });
    const earliest = now + this.config.rules.leadMinutes * 60_000;
    return slots.filter((s) => s.startsAt >= earliest);
  }

  /** The days to offer: free places per day, full and unconfirmed days with their reason, and a wished day explained. */
  async days(code: string, hallId: string, elderly: boolean, now: number, wish?: string | null): Promise<{ options: Offer[]; count: number; note: string }> {
    const w = this.windowAt(code, hallId);
    const today = this.calendar.dateOf(now);
    const horizon = this.horizon(w, now);
    const slots = await this.bookable(w, elderly, now);
    const options: Offer[] = [];
    for (const day of horizon) {
      const label = dayLabel(day.date, today, day.kind === 'makeup');
      if (!day.confirmed) {
        options.push({ label, value: day.date, unavailable: `${dayText(day.date)}的办公安排还没有正式公布（${day.note ?? '放假安排未发布'}），暂不开放网上预约；到时可以再约，或到窗口现场取号。` });
        continue;
      }
      const free = slots.filter((s) => s.slot.date === day.date).reduce((n, s) => n + s.free, 0);
      if (free === 0) options.push({ label, value: day.date, unavailable: `${dayText(day.date)}已经约满了。` });
      else options.push({ label: `${label} 余${free}个`, value: day.date });
    }
    const offered = options.filter((o) => !o.unavailable);
    if (offered[0]) offered[0].synonyms = EARLIEST;
    if (offered.length > 1) (offered.at(-1) as Offer).synonyms = LATEST;
    // Days a resident may name that cannot be booked, with the reason: the next two weeks and the wished one.
    const listed = new Set(options.map((o) => o.value));
    const near = Array.from({ length: 14 }, (_, i) => addDays(today, i + 1));
    for (const date of [...near, ...(wish ? [wish] : [])]) {
      if (listed.has(date) || !/^\d{4}-\d{2}-\d{2}$/.test(date)) continue;
      listed.add(date);
      options.push({ label: date, value: date, unavailable: this.#whyNot(w, date, today, horizon) });
    }
    const full = options.filter((o) => o.unavailable?.endsWith('已经约满了。')).map((o) => dayText(o.value));
    const unconfirmed = horizon.filter((d) => !d.confirmed);
    const note = [
      full.length ? `${full.join('、')}已约满。` : '',
      unconfirmed.length ? `${dayText(unconfirmed[0]?.date ?? '')}起的办公安排还没有正式公布，暂不开放网上预约。` : '',
    ].join('');
    return { options, count: offered.length, note };
  }

  /** The slots of a day to offer: free places each, full ones with their reason. */
  async times(code: string, hallId: string, date: string, elderly: boolean, now: number): Promise<{ options: Offer[]; count: number }> {
    const w = this.windowAt(code, hallId);
    const slots = await this.bookable(w, elderly, now, [date]);
    const options: Offer[] = slots.map((s) => {
      const range = `${s.slot.start}-${s.slot.end}`;
      return s.free > 0 ? { label: `${range} 余${s.free}个`, value: s.slot.start, end: s.slot.end } : { label: range, value: s.slot.start, end: s.slot.end, unavailable: `${range} 已经约满了。` };
    });
    const offered = options.filter((o) => !o.unavailable);
    if (offered[0]) offered[0].synonyms = ['最早', '最早的', '越早越好', '随便', '都行', '都可以', '哪个都行', '无所谓'];
    if (offered.length > 1) (offered.at(-1) as Offer).synonyms = LATEST;
    return { options, count: offered.length };
  }

  /** The slot starting at `start` on `date`, if it is one of the window group's. */
  slot(code: string, hallId: string, date: string, start: string): Slot {
    const w = this.windowAt(code, hallId);
    const p = this.calendar.timeSlots(hallId, date, w.slotMinutes, w.window).find((x) => x.range.startsWith(start));
    return { hall: hallId, window: w.window, date, start, end: p ? p.range.slice(6, 11) : start };
  }

  /** The first slot with a free place after `after` (epoch ms), else the earliest free one. */
  async nextFree(w: BookableWindow, elderly: boolean, now: number, after = 0): Promise<SlotFree | undefined> {
    const free = (await this.bookable(w, elderly, now)).filter((s) => s.free > 0);
    return free.find((s) => s.startsAt > after) ?? free[0];
  }

  /** Reserves, and when the slot is full finds the next free one to offer. */
  async reserve(request: ReserveRequest): Promise<ReserveResult & { next?: SlotFree }> {
    const result = await this.backend.reserve(request);
    if (result.status !== 'full') return result;
    const w = this.windowAt(request.item.code, request.slot.hall);
    const starts = this.calendar.timeSlots(request.slot.hall, request.slot.date, w.slotMinutes, w.window).find((p) => p.range.startsWith(request.slot.start))?.start.getTime() ?? 0;
    const next = await this.nextFree(w, request.elderly, request.now, starts);
    return next ? { ...result, next } : result;
  }

  cancelDeadline(startsAt: number): number {
    return startsAt - this.config.rules.cancelBeforeMinutes * 60_000;
  }

  /** Why a wished day cannot be booked, in residents' words. */
  #whyNot(w: BookableWindow, date: string, today: string, horizon: ScheduleDay[]): string {
    const day = this.calendar.dayInfo(date, w.hall.id, w.window);
    const text = dayText(date);
    if (date < today) return `${text}已经过去了，请选一个以后的日子。`;
    if (date === today) return `预约须提前一天，今天（${text}）的号请在办公时间到窗口现场取。`;
    if (!day.open) {
      if (day.kind === 'holiday') return `${text}是${day.reason}，大厅休息${day.confirmed ? '' : '（预计）'}。`;
      return `${text}${day.special ? `大厅不办公（${day.special}）` : '大厅不办公'}。`;
    }
    const last = horizon.at(-1)?.date;
    if (last && date > last) return `网上只能约今后${this.config.rules.daysAhead}个办公日，最晚约到${dayText(last)}；${text}的号到时再约就行。`;
    return `${text}不能预约，请从下面选一个。`;
  }
}

/** 「12月2日（明天，周三）10:00-11:00」 */
export function slotText(slot: Slot, today: string): string {
  return `${dayLabel(slot.date, today)}${slot.start}-${slot.end}`;
}
