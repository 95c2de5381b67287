import type { WorkCalendar } from '../calendar';
import type { ChangeRequest, ReserveRequest } from './port';
import { maskIdNumber, maskName, maskPhone, personKey } from './person';
import type { BookingConfig, BookableWindow } from './rules';
import type { Booking, Slot, SlotFree } from './schema';

/** How long a booking is kept after its slot (it holds a name and a phone number). */
export const BOOKING_RETENTION_DAYS = 30;
/** How long an idempotency key is remembered (platform retries, a resident sending again). */
export const IDEMPOTENCY_TTL_SECONDS = 86_400;

const DAY_MS = 86_400_000;

/**
 * What the built-in backends (memory and Redis) share: slots from the calendar and the places of
 * booking.yaml, the green channel's release, the booking record, and the no-show limit.
 */
export class BuiltinRules {
  constructor(
    readonly config: BookingConfig,
    readonly calendar: WorkCalendar,
    readonly secret: string,
  ) {}

  window(hall: string, window: string): BookableWindow {
    const found = this.config.windowOf(hall, window);
    if (!found) throw new RangeError(`no bookable window "${window}" at hall "${hall}"`);
    return found;
  }

  /** Every slot of the window group on a date (none when the hall is closed). */
  slotsOn(hall: string, window: string, date: string): { slot: Slot; startsAt: number }[] {
    const w = this.window(hall, window);
    return this.calendar.timeSlots(hall, date, w.slotMinutes, window).map((p) => ({
      slot: { hall, window, date, start: p.range.slice(0, 5), end: p.range.slice(6, 11) },
      startsAt: p.start.getTime(),
    }));
  }

  /** The slot as the calendar has it, or undefined when it is not one of the day's slots. */
  find(slot: Slot): { slot: Slot; startsAt: number } | undefined {
    return this.slotsOn(slot.hall, slot.window, slot.date).find((s) => s.slot.start === slot.start && s.slot.end === slot.end);
  }

  /** Green places still free open to everyone from this long before the slot. */
  released(startsAt: number, now: number): boolean {
    return now >= startsAt - this.config.greenChannel.releaseHoursBefore * 3_600_000;
  }

  /** Places an applicant could take, given what is taken. */
  free(w: BookableWindow, taken: { n: number; g: number }, elderly: boolean, released: boolean): number {
    const normal = Math.max(0, w.normal - taken.n);
    const green = Math.max(0, w.green - taken.g);
    return normal + (elderly || released ? green : 0);
  }

  /** Which pool a new booking takes from: the green channel first for 60+, the others' otherwise; none when full. */
  pool(w: BookableWindow, taken: { n: number; g: number }, elderly: boolean, released: boolean): 'normal' | 'green' | undefined {
    if (elderly && taken.g < w.green) return 'green';
    if (taken.n < w.normal) return 'normal';
    if (released && taken.g < w.green) return 'green';
    return undefined;
  }

  availability(dates: string[], hall: string, window: string, taken: (slot: Slot) => { n: number; g: number }, elderly: boolean, now: number): SlotFree[] {
    const w = this.window(hall, window);
    return dates.flatMap((date) => this.slotsOn(hall, window, date)).map(({ slot, startsAt }) => ({ slot, startsAt, free: this.free(w, taken(slot), elderly, this.released(startsAt, now)) }));
  }

  person(idNumber: string): string {
    return personKey(idNumber, this.secret);
  }

  /** No-shows that count: those within the window; the limit is higher for 60+. */
  strikesLimit(elderly: boolean): number {
    return elderly ? this.config.rules.noShow.elderlyStrikes : this.config.rules.noShow.strikes;
  }

  /** Until when the applicant may not book online (epoch ms), from the no-shows on record. */
  restrictedUntil(noShows: number[], elderly: boolean, now: number): number | undefined {
    const { withinDays, restrictDays } = this.config.rules.noShow;
    const recent = noShows.filter((t) => t >= now - withinDays * DAY_MS).sort((a, b) => a - b);
    if (recent.length < this.strikesLimit(elderly)) return undefined;
    const until = (recent.at(-1) ?? now) + restrictDays * DAY_MS;
    return now < until ? until : undefined;
  }

  cancelDeadline(startsAt: number): number {
    return startsAt - this.config.rules.cancelBeforeMinutes * 60_000;
  }

  retentionSeconds(startsAt: number, now: number): number {
    return Math.max(60, Math.ceil((startsAt + BOOKING_RETENTION_DAYS * DAY_MS - now) / 1000));
  }

  record(request: ReserveRequest, startsAt: number, pool: 'normal' | 'green'): Booking {
    const { applicant } = request;
    return {
      reference: request.reference,
      status: 'booked',
      version: 1,
      item: request.item,
      slot: request.slot,
      startsAt,
      hallName: this.window(request.slot.hall, request.slot.window).hall.name,
      applicant: {
        name: applicant.name,
        nameMasked: maskName(applicant.name),
        idMasked: maskIdNumber(applicant.idNumber),
        person: this.person(applicant.idNumber),
        phone: applicant.phone,
        phoneMasked: maskPhone(applicant.phone),
        elderly: request.elderly,
      },
      booker: request.booker,
      forFamily: request.forFamily,
      pool,
      remind: request.remind,
      answers: request.answers,
      createdAt: request.now,
    };
  }

  moved(booking: Booking, request: ChangeRequest, startsAt: number, pool: 'normal' | 'green'): Booking {
    return { ...booking, slot: request.slot, startsAt, pool, version: booking.version + 1 };
  }
}

export const bookerId = (b: { channel: string; userId: string }): string => `${b.channel}:${b.userId}`;
