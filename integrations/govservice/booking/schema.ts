import { z } from 'zod';
import { ChannelSchema } from '../../../bot/message';

/**
 * Booking a time at a service hall: the rules and places an administrator edits
 * (flows/catalog/booking.yaml), and the records the backends keep. Booking never replaces the
 * traditional ways: walk-in tickets, phone booking and booking by relatives stay.
 */

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time like 18:00');
const whole = (min: number, max: number) => z.number().int().min(min).max(max);

export const BookingRulesSchema = z.strictObject({
  /** Bookable days: the next N days the hall's window group is open, after today. */
  daysAhead: whole(1, 30),
  /** Whether today's slots may be booked (false: 须提前一天预约). */
  sameDay: z.boolean(),
  /** A slot must start at least this long after the booking (minutes). */
  leadMinutes: whole(0, 1440),
  /** Bookings of one person (ID number) for one item on one day. */
  perItemPerDay: whole(1, 5),
  /** Bookings one person may hold that have not happened yet. */
  maxActive: whole(1, 20),
  /** Bookings one resident's account (a relative booking for several people) may hold. */
  maxActivePerBooker: whole(1, 50),
  /** Cancelling or changing is possible until this long before the slot (minutes). */
  cancelBeforeMinutes: whole(0, 2880),
  /** No-shows: `strikes` within `withinDays` restrict online booking for `restrictDays`; 60+ have `elderlyStrikes`. */
  noShow: z.strictObject({ strikes: whole(1, 20), withinDays: whole(1, 365), restrictDays: whole(1, 365), elderlyStrikes: whole(1, 50) }),
  /** When the day-before reminder goes out (local time). */
  remindAt: clock,
});
export type BookingRules = z.infer<typeof BookingRulesSchema>;

export const GreenChannelSchema = z.strictObject({
  /** Age (from the ID number's birth date, on the day of the slot) from which the green channel applies. */
  minAge: whole(50, 100),
  /** Share of each slot's places kept for the green channel (rounded, at least one when a slot has two or more). */
  share: z.number().min(0).max(0.9),
  /** Green places still free this many hours before the slot open to everyone. */
  releaseHoursBefore: whole(0, 168),
});
export type GreenChannel = z.infer<typeof GreenChannelSchema>;

const PlacesSchema = { slotMinutes: whole(15, 240).optional(), places: whole(0, 500).optional() };

export const BookingFileSchema = z.strictObject({
  rules: BookingRulesSchema,
  greenChannel: GreenChannelSchema,
  /** Slot length and places per slot for every window group of a bookable item. */
  defaults: z.strictObject({ slotMinutes: whole(15, 240), places: whole(0, 500) }),
  /** Window groups that differ (`places: 0` turns booking off there). */
  windows: z.array(z.strictObject({ hall: z.string().min(1), window: z.string().min(1), ...PlacesSchema })).default([]),
  /** Catalogue items and bundles residents can book here. */
  items: z.array(z.string().min(1)).min(1),
});
export type BookingFile = z.infer<typeof BookingFileSchema>;

/** One bookable time: a hall's window group, a local date and a start–end (`HH:MM`). */
export const SlotSchema = z.object({
  hall: z.string().min(1),
  window: z.string().min(1),
  date: z.iso.date(),
  start: clock,
  end: clock,
});
export type Slot = z.infer<typeof SlotSchema>;

/** Who a booking is for, as the flow collected it (the ID number is never stored in clear). */
export const ApplicantSchema = z.object({
  name: z.string().min(1).max(40),
  idNumber: z.string().regex(/^\d{17}[\dX]$/),
  phone: z.string().regex(/^1[3-9]\d{9}$/),
});
export type Applicant = z.infer<typeof ApplicantSchema>;

/** The resident who made the booking: where reminders and "我的预约" reach them. */
export const BookerSchema = z.object({
  channel: ChannelSchema,
  userId: z.string().min(1),
  conversationId: z.string().min(1),
});
export type Booker = z.infer<typeof BookerSchema>;

export const BookingStatusSchema = z.enum(['booked', 'cancelled', 'no-show']);

/** A booking as kept and shown: masked where shown, the ID number only as a keyed hash. */
export const BookingSchema = z.object({
  reference: z.string(),
  status: BookingStatusSchema,
  /** Raised on every change of time (reminder jobs carry it). */
  version: z.number().int().min(1),
  item: z.object({ code: z.string(), name: z.string() }),
  slot: SlotSchema,
  /** Epoch ms of the slot's start. */
  startsAt: z.number(),
  hallName: z.string(),
  applicant: z.object({
    name: z.string(),
    nameMasked: z.string(),
    idMasked: z.string(),
    /** Keyed hash of the ID number (per-person rules). */
    person: z.string(),
    phone: z.string(),
    phoneMasked: z.string(),
    elderly: z.boolean(),
  }),
  booker: BookerSchema,
  /** A relative booked for the applicant (their own contact, the applicant's name and ID). */
  forFamily: z.boolean(),
  /** The places it took: the green channel's or the others'. */
  pool: z.enum(['normal', 'green']),
  /** The resident agreed to a reminder the day before. */
  remind: z.boolean(),
  /** The scenario answers of the 一次性告知 the resident read (what to bring). */
  answers: z.record(z.string(), z.string()).default({}),
  createdAt: z.number(),
});
export type Booking = z.infer<typeof BookingSchema>;

/** A slot with the places this applicant could take now. */
export interface SlotFree {
  slot: Slot;
  startsAt: number;
  free: number;
}

export type RefusalRule = 'same-item-day' | 'max-active' | 'max-booker' | 'restricted';

export type ReserveResult =
  | { status: 'booked'; booking: Booking; /** The same booking made before (a retry, or the same request again). */ existing: boolean; /** No-shows on record for the applicant. */ noShows: number }
  | { status: 'full' }
  | { status: 'refused'; rule: RefusalRule; /** A booking that stands in the way (same item that day). */ reference?: string; /** Restricted until (epoch ms). */ until?: number };

export type ChangeResult =
  | ReserveResult
  | { status: 'too-late'; deadline: number }
  | { status: 'not-found' };

export type CancelResult = { status: 'cancelled'; booking: Booking } | { status: 'too-late'; deadline: number } | { status: 'not-found' };
