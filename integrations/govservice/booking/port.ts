import type { Applicant, Booker, Booking, CancelResult, ChangeResult, ReserveResult, Slot, SlotFree } from './schema';

/** What a reservation asks for. */
export interface ReserveRequest {
  /** The booking number (`YY…`, from the References port), used by the backend as the booking's id. */
  reference: string;
  /** Idempotency key (the action's key: message + flow + step): a retry gets the same booking. */
  key: string;
  item: { code: string; name: string };
  slot: Slot;
  applicant: Applicant;
  /** 60+ on the day of the slot (from the ID number): may take the green channel's places. */
  elderly: boolean;
  booker: Booker;
  forFamily: boolean;
  remind: boolean;
  answers: Record<string, string>;
  now: number;
}

export interface ChangeRequest {
  reference: string;
  /** Only the resident who booked may change or cancel. */
  booker: Booker;
  slot: Slot;
  key: string;
  now: number;
}

/**
 * A booking backend: the hall's places and the per-person rules. The built-in one keeps them in
 * Redis (one Lua script per reservation checks capacity, the green channel's share and the
 * per-person rules together and takes the place, so nothing can overbook) or in memory with the
 * same rules; the HTTP adapter asks a city's hall queueing system (docs/booking-api.md).
 *
 * Rules of the calendar (which days, lead time) are applied by the caller; the backend applies
 * capacity, one booking per person per item per day, the active-booking limits, the no-show
 * restriction and the cancellation deadline.
 */
export interface BookingBackend {
  /** Places this applicant could take now in each slot of a hall's window group on `dates`. */
  availability(query: { hall: string; window: string; dates: string[]; elderly: boolean; now: number }): Promise<SlotFree[]>;
  /** Takes a place, or says why not. Idempotent per `key`, and per person + item + day + slot. */
  reserve(request: ReserveRequest): Promise<ReserveResult>;
  /** Moves a booking to another slot: the old place is released and the new one taken at once. */
  reschedule(request: ChangeRequest): Promise<ChangeResult>;
  cancel(request: { reference: string; booker: Booker; now: number }): Promise<CancelResult>;
  get(reference: string): Promise<Booking | undefined>;
  /**
   * The resident's bookings still ahead (booked), soonest first; with `since` (epoch ms, before
   * `now`) also those since then in any status (their applications, for 我的办件).
   */
  listByBooker(booker: Booker, now: number, since?: number): Promise<Booking[]>;
  /** The hall reports that the applicant did not come (counts towards the no-show rule). */
  recordNoShow(reference: string, now: number): Promise<Booking | undefined>;
}

/** A slot's identity, for keys and comparisons. */
export const slotId = (s: Slot): string => `${s.hall}|${s.window}|${s.date}|${s.start}`;
