import { z } from 'zod';
import { ApplicantSchema, BookerSchema, SlotSchema } from '../../integrations/govservice/booking/schema';
import type { BookingBackend } from '../../integrations/govservice/booking/port';
import { SignedFake, type Handled, type SignedFakeOptions } from './signed-server';

/**
 * A city's hall queueing system on loopback, from docs/booking-api.md: signed requests,
 * idempotency-key replay, and the endpoints of the contract. Its places and rules are a
 * booking backend of its own (the test passes one), as the real system keeps its own.
 */
const ReserveBody = z.object({
  reference: z.string(),
  item: z.object({ code: z.string(), name: z.string() }),
  slot: SlotSchema,
  applicant: ApplicantSchema,
  elderly: z.boolean(),
  booker: BookerSchema,
  forFamily: z.boolean(),
  remind: z.boolean(),
  answers: z.record(z.string(), z.string()),
  at: z.number(),
});
const ChangeBody = z.object({ booker: BookerSchema, slot: SlotSchema, at: z.number() });
const CancelBody = z.object({ booker: BookerSchema, at: z.number() });
const AtBody = z.object({ at: z.number() });

const ok = (body: unknown): Handled => ({ status: 200, body });
const bad = (error: string): Handled => ({ status: 400, body: { error } });

export async function startHallQueueFake(options: SignedFakeOptions & { system: BookingBackend }): Promise<SignedFake> {
  const system = options.system;
  const fake = new SignedFake(options, async ({ method, path, query, body }) => {
    const parse = <S extends z.ZodType>(schema: S): z.infer<S> | undefined => {
      const r = schema.safeParse(body);
      return r.success ? r.data : undefined;
    };
    if (method === 'GET' && path === '/v1/availability') {
      const dates = (query.get('dates') ?? '').split(',').filter(Boolean);
      return ok({ slots: await system.availability({ hall: query.get('hall') ?? '', window: query.get('window') ?? '', dates, elderly: query.get('elderly') === 'true', now: Date.now() }) });
    }
    if (method === 'POST' && path === '/v1/bookings') {
      const b = parse(ReserveBody);
      if (!b) return bad('invalid_body');
      // The idempotency key of the HTTP layer is the request's key here too.
      const { at, ...rest } = b;
      return ok(await system.reserve({ ...rest, key: `http:${b.reference}`, now: at }));
    }
    if (method === 'GET' && path === '/v1/bookings') {
      const booker = { channel: (query.get('channel') ?? 'test') as 'test', userId: query.get('userId') ?? '', conversationId: '' };
      return ok({ bookings: await system.listByBooker(booker, Number(query.get('now')), Number(query.get('since'))) });
    }
    const m = /^\/v1\/bookings\/([^/]+)(?:\/(reschedule|cancel|no-show))?$/.exec(path);
    if (!m) return { status: 404, body: { error: 'not_found' } };
    const reference = decodeURIComponent(m[1] ?? '');
    if (method === 'GET' && !m[2]) {
      const booking = await system.get(reference);
      return booking ? ok({ booking }) : { status: 404, body: { error: 'not_found' } };
    }
    if (method === 'POST' && m[2] === 'reschedule') {
      const b = parse(ChangeBody);
      return b ? ok(await system.reschedule({ reference, booker: b.booker, slot: b.slot, key: `http:${reference}:${b.slot.date}:${b.slot.start}`, now: b.at })) : bad('invalid_body');
    }
    if (method === 'POST' && m[2] === 'cancel') {
      const b = parse(CancelBody);
      return b ? ok(await system.cancel({ reference, booker: b.booker, now: b.at })) : bad('invalid_body');
    }
    if (method === 'POST' && m[2] === 'no-show') {
      const b = parse(AtBody);
      if (!b) return bad('invalid_body');
      const booking = await system.recordNoShow(reference, b.at);
      return booking ? ok({ booking }) : { status: 404, body: { error: 'not_found' } };
    }
    return { status: 404, body: { error: 'not_found' } };
  });
  return fake.start();
}
