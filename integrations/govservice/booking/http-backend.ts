import { z } from 'zod';
import { ConfigError } from '../../../bot/config';
import type { Logger } from '../../../bot/logger';
import { SignedHttpClient } from '../signed-http';
import type { BookingBackend, ChangeRequest, ReserveRequest } from './port';
import { BookingSchema, SlotSchema, type Booker, type Booking, type CancelResult, type ChangeResult, type ReserveResult, type SlotFree } from './schema';

const RefusalSchema = z.enum(['same-item-day', 'max-active', 'max-booker', 'restricted']);
const ReserveResultSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('booked'), booking: BookingSchema, existing: z.boolean(), noShows: z.number().int().min(0) }),
  z.object({ status: z.literal('full') }),
  z.object({ status: z.literal('refused'), rule: RefusalSchema, reference: z.string().optional(), until: z.number().optional() }),
]);
const ChangeResultSchema = z.union([ReserveResultSchema, z.object({ status: z.literal('too-late'), deadline: z.number() }), z.object({ status: z.literal('not-found') })]);
const CancelResultSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('cancelled'), booking: BookingSchema }),
  z.object({ status: z.literal('too-late'), deadline: z.number() }),
  z.object({ status: z.literal('not-found') }),
]);
const AvailabilitySchema = z.object({ slots: z.array(z.object({ slot: SlotSchema, startsAt: z.number(), free: z.number().int().min(0) })) });
const OneSchema = z.object({ booking: BookingSchema });
const ListSchema = z.object({ bookings: z.array(BookingSchema) });

/**
 * `BookingBackend` over a city's hall queueing system (contract: docs/booking-api.md): signed
 * requests, a deadline per call, retries for reads and for writes carrying an idempotency key
 * (the action's key, so a retried reservation is the same reservation). The hall system applies
 * its own capacity and per-person rules and answers with the same results as the built-in one.
 */
export class HttpBookingBackend implements BookingBackend {
  constructor(private readonly http: SignedHttpClient) {}

  static fromEnv(env: { BOOKING_API_URL?: string; BOOKING_API_KEY_ID?: string; BOOKING_API_SECRET?: string; BOOKING_API_TIMEOUT_MS: number }, logger: Logger): HttpBookingBackend {
    const missing = (['BOOKING_API_URL', 'BOOKING_API_KEY_ID', 'BOOKING_API_SECRET'] as const).filter((k) => !env[k]);
    if (missing.length) throw new ConfigError(`invalid configuration:\n  ${missing.map((k) => `${k}: required with BOOKING_BACKEND=http`).join('\n  ')}`);
    return new HttpBookingBackend(
      new SignedHttpClient({ baseUrl: env.BOOKING_API_URL ?? '', keyId: env.BOOKING_API_KEY_ID ?? '', secret: env.BOOKING_API_SECRET ?? '', timeoutMs: env.BOOKING_API_TIMEOUT_MS, service: 'hall-queue', logger }),
    );
  }

  async availability(q: { hall: string; window: string; dates: string[]; elderly: boolean; now: number }): Promise<SlotFree[]> {
    const { body } = await this.http.request({
      operation: 'availability',
      method: 'GET',
      path: '/v1/availability',
      query: { hall: q.hall, window: q.window, dates: q.dates.join(','), elderly: String(q.elderly) },
      schema: AvailabilitySchema,
    });
    return body?.slots ?? [];
  }

  async reserve(r: ReserveRequest): Promise<ReserveResult> {
    const { body } = await this.http.request({
      operation: 'reserve',
      method: 'POST',
      path: '/v1/bookings',
      idempotencyKey: r.key,
      body: { reference: r.reference, item: r.item, slot: r.slot, applicant: r.applicant, elderly: r.elderly, booker: r.booker, forFamily: r.forFamily, remind: r.remind, answers: r.answers, at: r.now },
      schema: ReserveResultSchema,
    });
    return body as ReserveResult;
  }

  async reschedule(r: ChangeRequest): Promise<ChangeResult> {
    const { body } = await this.http.request({
      operation: 'reschedule',
      method: 'POST',
      path: `/v1/bookings/${encodeURIComponent(r.reference)}/reschedule`,
      idempotencyKey: r.key,
      body: { booker: r.booker, slot: r.slot, at: r.now },
      schema: ChangeResultSchema,
    });
    return body as ChangeResult;
  }

  async cancel(r: { reference: string; booker: Booker; now: number }): Promise<CancelResult> {
    const { body } = await this.http.request({
      operation: 'cancel',
      method: 'POST',
      path: `/v1/bookings/${encodeURIComponent(r.reference)}/cancel`,
      // One cancellation request (its retries share the key); a later one is another request.
      idempotencyKey: `cancel:${r.reference}:${r.booker.channel}:${r.booker.userId}:${r.now}`,
      body: { booker: r.booker, at: r.now },
      schema: CancelResultSchema,
    });
    return body as CancelResult;
  }

  async get(reference: string): Promise<Booking | undefined> {
    const { body } = await this.http.request({ operation: 'get', method: 'GET', path: `/v1/bookings/${encodeURIComponent(reference)}`, schema: OneSchema, accept: [404] });
    return body?.booking;
  }

  async listByBooker(booker: Booker, now: number, since = now): Promise<Booking[]> {
    const { body } = await this.http.request({
      operation: 'list',
      method: 'GET',
      path: '/v1/bookings',
      query: { channel: booker.channel, userId: booker.userId, since: String(since), now: String(now) },
      schema: ListSchema,
    });
    return body?.bookings ?? [];
  }

  async recordNoShow(reference: string, now: number): Promise<Booking | undefined> {
    const { body } = await this.http.request({ operation: 'noShow', method: 'POST', path: `/v1/bookings/${encodeURIComponent(reference)}/no-show`, idempotencyKey: `no-show:${reference}:${now}`, body: { at: now }, schema: OneSchema, accept: [404] });
    return body?.booking;
  }
}
