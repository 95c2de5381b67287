import type { BuiltinRules} from './builtin';
import { bookerId, IDEMPOTENCY_TTL_SECONDS } from './builtin';
import type { BookingBackend, ChangeRequest, ReserveRequest } from './port';
import { slotId } from './port';
import type { Booker, Booking, CancelResult, ChangeResult, ReserveResult, Slot, SlotFree } from './schema';

interface Taken {
  n: number;
  g: number;
}

/**
 * The embedded booking backend: the same rules as the Redis one, each call checked and applied
 * in one synchronous step (nothing else runs in between, so nothing overbooks). One process
 * only; everything is lost on restart.
 */
export class MemoryBookingBackend implements BookingBackend {
  readonly #slots = new Map<string, Taken>();
  readonly #records = new Map<string, Booking>();
  readonly #idem = new Map<string, { reference: string; until: number }>();
  readonly #noShows = new Map<string, number[]>();

  constructor(readonly rules: BuiltinRules) {}

  async availability(q: { hall: string; window: string; dates: string[]; elderly: boolean; now: number }): Promise<SlotFree[]> {
    return this.rules.availability(q.dates, q.hall, q.window, (slot) => this.#taken(slot), q.elderly, q.now);
  }

  async reserve(r: ReserveRequest): Promise<ReserveResult> {
    this.#prune(r.now);
    const again = this.#idem.get(r.key);
    const person = this.rules.person(r.applicant.idNumber);
    if (again && again.until > r.now) {
      const booking = this.#records.get(again.reference);
      if (booking) return { status: 'booked', booking, existing: true, noShows: this.#strikes(person, r.now) };
    }
    const found = this.rules.find(r.slot);
    if (!found) return { status: 'full' };
    const until = this.rules.restrictedUntil(this.#noShows.get(person) ?? [], r.elderly, r.now);
    if (until) return { status: 'refused', rule: 'restricted', until };
    const active = [...this.#records.values()].filter((b) => b.status === 'booked' && b.startsAt >= r.now);
    const sameDay = active.filter((b) => b.applicant.person === person && b.item.code === r.item.code && b.slot.date === r.slot.date);
    if (sameDay.length >= this.rules.config.rules.perItemPerDay) {
      const same = sameDay.find((b) => bookerId(b.booker) === bookerId(r.booker) && slotId(b.slot) === slotId(r.slot));
      if (same) return { status: 'booked', booking: same, existing: true, noShows: this.#strikes(person, r.now) };
      return { status: 'refused', rule: 'same-item-day', reference: sameDay[0]?.reference };
    }
    if (active.filter((b) => b.applicant.person === person).length >= this.rules.config.rules.maxActive) return { status: 'refused', rule: 'max-active' };
    if (active.filter((b) => bookerId(b.booker) === bookerId(r.booker)).length >= this.rules.config.rules.maxActivePerBooker) return { status: 'refused', rule: 'max-booker' };
    const w = this.rules.window(r.slot.hall, r.slot.window);
    const taken = this.#taken(r.slot);
    const pool = this.rules.pool(w, taken, r.elderly, this.rules.released(found.startsAt, r.now));
    if (!pool) return { status: 'full' };
    if (this.#records.has(r.reference)) throw new Error(`MemoryBookingBackend.reserve(): booking ${r.reference} exists`);
    const booking = this.rules.record(r, found.startsAt, pool);
    this.#take(r.slot, pool, 1);
    this.#records.set(r.reference, booking);
    this.#idem.set(r.key, { reference: r.reference, until: r.now + IDEMPOTENCY_TTL_SECONDS * 1000 });
    return { status: 'booked', booking, existing: false, noShows: this.#strikes(person, r.now) };
  }

  async reschedule(r: ChangeRequest): Promise<ChangeResult> {
    const booking = this.#records.get(r.reference);
    if (!booking || booking.status !== 'booked' || bookerId(booking.booker) !== bookerId(r.booker)) return { status: 'not-found' };
    const again = this.#idem.get(r.key);
    const person = booking.applicant.person;
    if (again?.reference === r.reference && slotId(booking.slot) === slotId(r.slot)) return { status: 'booked', booking, existing: true, noShows: this.#strikes(person, r.now) };
    const deadline = this.rules.cancelDeadline(booking.startsAt);
    if (r.now > deadline) return { status: 'too-late', deadline };
    if (slotId(booking.slot) === slotId(r.slot)) return { status: 'booked', booking, existing: true, noShows: this.#strikes(person, r.now) };
    const found = this.rules.find(r.slot);
    if (!found) return { status: 'full' };
    const others = [...this.#records.values()].filter(
      (b) => b.reference !== r.reference && b.status === 'booked' && b.startsAt >= r.now && b.applicant.person === person && b.item.code === booking.item.code && b.slot.date === r.slot.date,
    );
    if (others.length >= this.rules.config.rules.perItemPerDay) return { status: 'refused', rule: 'same-item-day', reference: others[0]?.reference };
    const w = this.rules.window(r.slot.hall, r.slot.window);
    const pool = this.rules.pool(w, this.#taken(r.slot), booking.applicant.elderly, this.rules.released(found.startsAt, r.now));
    if (!pool) return { status: 'full' };
    this.#take(booking.slot, booking.pool, -1);
    this.#take(r.slot, pool, 1);
    const moved = this.rules.moved(booking, r, found.startsAt, pool);
    this.#records.set(r.reference, moved);
    this.#idem.set(r.key, { reference: r.reference, until: r.now + IDEMPOTENCY_TTL_SECONDS * 1000 });
    return { status: 'booked', booking: moved, existing: false, noShows: this.#strikes(person, r.now) };
  }

  async cancel(r: { reference: string; booker: Booker; now: number }): Promise<CancelResult> {
    const booking = this.#records.get(r.reference);
    if (!booking || booking.status !== 'booked' || bookerId(booking.booker) !== bookerId(r.booker)) return { status: 'not-found' };
    const deadline = this.rules.cancelDeadline(booking.startsAt);
    if (r.now > deadline) return { status: 'too-late', deadline };
    this.#take(booking.slot, booking.pool, -1);
    const cancelled: Booking = { ...booking, status: 'cancelled', version: booking.version + 1 };
    this.#records.set(r.reference, cancelled);
    return { status: 'cancelled', booking: cancelled };
  }

  async get(reference: string): Promise<Booking | undefined> {
    return this.#records.get(reference);
  }

  async listByBooker(booker: Booker, now: number, since = now): Promise<Booking[]> {
    const id = bookerId(booker);
    return [...this.#records.values()].filter((b) => (since < now || b.status === 'booked') && b.startsAt >= since && bookerId(b.booker) === id).sort((a, b) => a.startsAt - b.startsAt);
  }

  async recordNoShow(reference: string, now: number): Promise<Booking | undefined> {
    const booking = this.#records.get(reference);
    if (!booking || booking.status !== 'booked') return booking;
    const marked: Booking = { ...booking, status: 'no-show' };
    this.#records.set(reference, marked);
    this.#noShows.set(booking.applicant.person, [...(this.#noShows.get(booking.applicant.person) ?? []), now]);
    return marked;
  }

  #taken(slot: Slot): Taken {
    return this.#slots.get(slotId(slot)) ?? { n: 0, g: 0 };
  }

  #take(slot: Slot, pool: 'normal' | 'green', delta: number): void {
    const t = { ...this.#taken(slot) };
    if (pool === 'green') t.g = Math.max(0, t.g + delta);
    else t.n = Math.max(0, t.n + delta);
    this.#slots.set(slotId(slot), t);
  }

  #strikes(person: string, now: number): number {
    const within = this.rules.config.rules.noShow.withinDays * 86_400_000;
    return (this.#noShows.get(person) ?? []).filter((t) => t >= now - within).length;
  }

  #lastPrune = 0;
  /** Drops bookings past their retention and old idempotency keys (at most hourly). */
  #prune(now: number): void {
    if (now - this.#lastPrune < 3_600_000) return;
    this.#lastPrune = now;
    for (const [ref, b] of this.#records) if (this.rules.retentionSeconds(b.startsAt, now) <= 60) this.#records.delete(ref);
    for (const [key, v] of this.#idem) if (v.until <= now) this.#idem.delete(key);
  }
}
