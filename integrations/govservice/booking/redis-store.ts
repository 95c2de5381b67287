import { createHash } from 'node:crypto';
import { call, type RedisClient } from '../../redis/client';
import type { BuiltinRules } from './builtin';
import { BOOKING_RETENTION_DAYS, bookerId, IDEMPOTENCY_TTL_SECONDS } from './builtin';
import type { BookingBackend, ChangeRequest, ReserveRequest } from './port';
import { slotId } from './port';
import { CANCEL, NO_SHOW, RESCHEDULE, RESERVE, TAKEN } from './redis-scripts';
import { BookingSchema, type Booker, type Booking, type CancelResult, type ChangeResult, type RefusalRule, type ReserveResult, type Slot, type SlotFree } from './schema';

const DAY_S = 86_400;
// Person and booker indexes outlive any booking they list (bookings are at most weeks ahead).
const INDEX_TTL_S = 60 * DAY_S;

/** Key names of the booking backend under the deployment prefix (docs/redis-keys.md). */
export function bookingKeys(prefix: string) {
  const day = (date: string) => date.replaceAll('-', '');
  // Window names are free text (「A区 公安户政窗口」): a short hash keeps keys plain.
  const win = (window: string) => createHash('sha1').update(window).digest('hex').slice(0, 10);
  return {
    slot: (s: Slot) => `${prefix}bk:slot:${s.hall}:${win(s.window)}:${day(s.date)}:${s.start.replace(':', '')}`,
    record: (ref: string) => `${prefix}bk:rec:${ref}`,
    idem: (key: string) => `${prefix}bk:idem:${key}`,
    personItemDay: (person: string, item: string, date: string) => `${prefix}bk:pday:${person}:${item}:${day(date)}`,
    person: (person: string) => `${prefix}bk:person:${person}`,
    booker: (booker: Booker) => `${prefix}bk:booker:${bookerId(booker)}`,
    noShows: (person: string) => `${prefix}bk:noshow:${person}`,
    upcoming: () => `${prefix}bk:upcoming`,
    secret: () => `${prefix}bk:secret`,
  };
}

/**
 * The built-in booking backend on Redis: capacity as counters per slot and pool (normal, green
 * channel), each reservation, change and cancellation one Lua script (redis-scripts.ts), so
 * any number of instances can take places at once and none overbooks.
 */
export class RedisBookingBackend implements BookingBackend {
  readonly #keys: ReturnType<typeof bookingKeys>;

  constructor(
    private readonly client: RedisClient,
    readonly rules: BuiltinRules,
    prefix: string,
  ) {
    this.#keys = bookingKeys(prefix);
  }

  async availability(q: { hall: string; window: string; dates: string[]; elderly: boolean; now: number }): Promise<SlotFree[]> {
    const slots = q.dates.flatMap((d) => this.rules.slotsOn(q.hall, q.window, d));
    if (slots.length === 0) return [];
    const reply = (await TAKEN.run(this.client, slots.map((s) => this.#keys.slot(s.slot)), [])) as number[];
    const taken = new Map(slots.map((s, i) => [slotId(s.slot), { n: Number(reply[2 * i] ?? 0), g: Number(reply[2 * i + 1] ?? 0) }]));
    return this.rules.availability(q.dates, q.hall, q.window, (slot) => taken.get(slotId(slot)) ?? { n: 0, g: 0 }, q.elderly, q.now);
  }

  async reserve(r: ReserveRequest): Promise<ReserveResult> {
    const found = this.rules.find(r.slot);
    if (!found) return { status: 'full' };
    const w = this.rules.window(r.slot.hall, r.slot.window);
    const person = this.rules.person(r.applicant.idNumber);
    const booking = this.rules.record(r, found.startsAt, 'normal');
    const k = this.#keys;
    const { noShow, perItemPerDay, maxActive, maxActivePerBooker } = this.rules.config.rules;
    const suffix = `\t${bookerId(r.booker)}\t${slotId(r.slot)}`;
    const reply = (await RESERVE.run(
      this.client,
      [k.slot(r.slot), k.personItemDay(person, r.item.code, r.slot.date), k.person(person), k.booker(r.booker), k.noShows(person), k.record(r.reference), k.idem(r.key), k.upcoming()],
      [
        r.reference,
        JSON.stringify(booking),
        `${r.reference}${suffix}`,
        suffix,
        String(w.normal),
        String(w.green),
        r.elderly ? '1' : '0',
        this.rules.released(found.startsAt, r.now) ? '1' : '0',
        String(perItemPerDay),
        String(maxActive),
        String(maxActivePerBooker),
        String(r.now),
        String(found.startsAt),
        String(noShow.withinDays * DAY_S * 1000),
        String(this.rules.strikesLimit(r.elderly)),
        String(noShow.restrictDays * DAY_S * 1000),
        String(this.rules.retentionSeconds(found.startsAt, r.now)),
        String(this.#slotTtl(found.startsAt, r.now)),
        String(IDEMPOTENCY_TTL_SECONDS),
        String(INDEX_TTL_S),
        bookerId(r.booker),
        String(BOOKING_RETENTION_DAYS * DAY_S * 1000),
      ],
    )) as string[];
    return this.#reserveResult(reply, r.reference);
  }

  async reschedule(r: ChangeRequest): Promise<ChangeResult> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const booking = await this.get(r.reference);
      if (!booking || booking.status !== 'booked' || bookerId(booking.booker) !== bookerId(r.booker)) return { status: 'not-found' };
      const done = await call(this.client, 'Booking.idem', (c) => c.get(this.#keys.idem(r.key)));
      if (done === r.reference && slotId(booking.slot) === slotId(r.slot)) return { status: 'booked', booking, existing: true, noShows: 0 };
      const found = this.rules.find(r.slot);
      if (!found) return { status: 'full' };
      const w = this.rules.window(r.slot.hall, r.slot.window);
      const person = booking.applicant.person;
      const moved = this.rules.moved(booking, r, found.startsAt, 'normal');
      const k = this.#keys;
      const reply = (await RESCHEDULE.run(
        this.client,
        [
          k.record(r.reference),
          k.slot(booking.slot),
          k.slot(r.slot),
          k.personItemDay(person, booking.item.code, booking.slot.date),
          k.personItemDay(person, booking.item.code, r.slot.date),
          k.person(person),
          k.booker(booking.booker),
          k.upcoming(),
          k.idem(r.key),
        ],
        [
          r.reference,
          bookerId(r.booker),
          String(booking.version),
          String(r.now),
          String(this.rules.config.rules.cancelBeforeMinutes * 60_000),
          JSON.stringify(moved),
          `${r.reference}\t${bookerId(booking.booker)}\t${slotId(r.slot)}`,
          String(w.normal),
          String(w.green),
          booking.applicant.elderly ? '1' : '0',
          this.rules.released(found.startsAt, r.now) ? '1' : '0',
          String(this.rules.config.rules.perItemPerDay),
          String(found.startsAt),
          String(this.rules.retentionSeconds(found.startsAt, r.now)),
          String(this.#slotTtl(found.startsAt, r.now)),
          String(IDEMPOTENCY_TTL_SECONDS),
        ],
      )) as string[];
      switch (reply[0]) {
        case 'conflict':
          continue; // changed meanwhile: read it again
        case 'same':
          return { status: 'booked', booking, existing: true, noShows: 0 };
        case 'not-found':
          return { status: 'not-found' };
        case 'too-late':
          return { status: 'too-late', deadline: Number(reply[1]) };
        case 'full':
          return { status: 'full' };
        case 'refused':
          return { status: 'refused', rule: reply[1] as RefusalRule, reference: reply[2] || undefined };
        case 'booked': {
          const after = await this.get(r.reference);
          if (!after) throw new Error(`RedisBookingBackend.reschedule(): ${r.reference} vanished`);
          return { status: 'booked', booking: after, existing: false, noShows: 0 };
        }
      }
      throw new Error(`RedisBookingBackend.reschedule(): unexpected reply ${JSON.stringify(reply)}`);
    }
    throw new Error(`RedisBookingBackend.reschedule(): ${r.reference} kept changing`);
  }

  async cancel(r: { reference: string; booker: Booker; now: number }): Promise<CancelResult> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const booking = await this.get(r.reference);
      if (!booking || booking.status !== 'booked' || bookerId(booking.booker) !== bookerId(r.booker)) return { status: 'not-found' };
      const k = this.#keys;
      const person = booking.applicant.person;
      const reply = (await CANCEL.run(
        this.client,
        [k.record(r.reference), k.slot(booking.slot), k.personItemDay(person, booking.item.code, booking.slot.date), k.person(person), k.booker(booking.booker), k.upcoming()],
        [r.reference, bookerId(r.booker), String(booking.version), String(r.now), String(this.rules.config.rules.cancelBeforeMinutes * 60_000)],
      )) as string[];
      if (reply[0] === 'conflict') continue;
      if (reply[0] === 'not-found') return { status: 'not-found' };
      if (reply[0] === 'too-late') return { status: 'too-late', deadline: Number(reply[1]) };
      return { status: 'cancelled', booking: { ...booking, status: 'cancelled', version: booking.version + 1 } };
    }
    throw new Error(`RedisBookingBackend.cancel(): ${r.reference} kept changing`);
  }

  async get(reference: string): Promise<Booking | undefined> {
    const h = await call(this.client, 'Booking.get', (c) => c.hmGet(this.#keys.record(reference), ['doc', 'status', 'pool', 'v']));
    return this.#decode(h);
  }

  async listByBooker(booker: Booker, now: number, since = now): Promise<Booking[]> {
    const refs = await call(this.client, 'Booking.list', (c) => c.zRangeByScore(this.#keys.booker(booker), since, '+inf'));
    const all = await Promise.all(refs.map((ref) => this.get(ref)));
    return all.filter((b): b is Booking => b !== undefined && (since < now || b.status === 'booked')).sort((a, b) => a.startsAt - b.startsAt);
  }

  async recordNoShow(reference: string, now: number): Promise<Booking | undefined> {
    const booking = await this.get(reference);
    if (!booking) return undefined;
    const ttl = (this.rules.config.rules.noShow.withinDays + this.rules.config.rules.noShow.restrictDays) * DAY_S;
    await NO_SHOW.run(this.client, [this.#keys.record(reference), this.#keys.noShows(booking.applicant.person)], [reference, String(now), String(ttl)]);
    return this.get(reference);
  }

  #slotTtl(startsAt: number, now: number): number {
    return Math.max(60, Math.ceil((startsAt - now) / 1000) + 2 * DAY_S);
  }

  async #reserveResult(reply: string[], reference: string): Promise<ReserveResult> {
    switch (reply[0]) {
      case 'full':
        return { status: 'full' };
      case 'refused':
        return { status: 'refused', rule: reply[1] as RefusalRule, ...(reply[1] === 'restricted' ? { until: Number(reply[2]) } : { reference: reply[2] || undefined }) };
      case 'exists':
        throw new Error(`RedisBookingBackend.reserve(): booking ${reference} exists`);
      case 'booked': {
        const booking = await this.get(String(reply[1]));
        if (!booking) throw new Error(`RedisBookingBackend.reserve(): ${String(reply[1])} not readable`);
        return { status: 'booked', booking, existing: reply[2] !== 'new', noShows: Number(reply[3] ?? 0) };
      }
    }
    throw new Error(`RedisBookingBackend.reserve(): unexpected reply ${JSON.stringify(reply)}`);
  }

  #decode(h: (string | null)[]): Booking | undefined {
    const [doc, status, pool, v] = h;
    if (!doc) return undefined;
    const parsed = BookingSchema.safeParse({ ...JSON.parse(doc), status, pool, version: Number(v) });
    return parsed.success ? parsed.data : undefined;
  }
}
