import { z } from 'zod';
import type { GovServiceDeps } from '../module-deps';
import { parseEnv, wholeNumber } from '../../../bot/config';
import type { Logger } from '../../../bot/logger';
import { call } from '../../redis/client';
import type { Catalog } from '../catalog';
import { BuiltinRules } from './builtin';
import { MemoryBookingBackend } from './memory-store';
import { randomSecret } from './person';
import type { BookingBackend } from './port';
import { bookingKeys, RedisBookingBackend } from './redis-store';
import { BookingReminders } from './reminders';
import { loadBookingConfig, type BookingConfig } from './rules';
import { BookingService } from './service';

export { bookingActions, type BookingContext } from './actions';
export { BookingService } from './service';
export { BookingReminders, REMINDER_JOB, reminderJobId } from './reminders';
export type { BookingBackend, ReserveRequest, ChangeRequest } from './port';
export type { Booking as BookingRecord, Slot, SlotFree, ReserveResult } from './schema';
export { loadBookingConfig, buildBookingConfig, type BookingConfig } from './rules';

/** The booking settings (.env.example). */
export const BookingEnvSchema = z.object({
  /** builtin: places and rules of flows/catalog/booking.yaml, kept in Redis (or memory); http: a city's hall queueing system. */
  BOOKING_BACKEND: z.enum(['builtin', 'http'], { error: 'builtin or http' }).default('builtin'),
  /** A rules file other than flows/catalog/booking.yaml (an administrator's draft, tests). */
  BOOKING_RULES_FILE: z.string().min(1).optional(),
  /** Key of the ID-number hashes the per-person rules use (≥ 32 characters); unset: one generated and kept in Redis. */
  BOOKING_ID_HASH_KEY: z.string().min(32, { error: 'at least 32 characters' }).optional(),
  BOOKING_API_URL: z.url().optional(),
  BOOKING_API_KEY_ID: z.string().min(1).optional(),
  BOOKING_API_SECRET: z.string().min(32, { error: 'at least 32 characters' }).optional(),
  BOOKING_API_TIMEOUT_MS: wholeNumber(100, 30_000).default(3_000),
});
export type BookingEnv = z.infer<typeof BookingEnvSchema>;

export interface BookingDeps extends GovServiceDeps {
  catalog: Catalog;
  /** A backend instead of the configured one (tests: the HTTP adapter against a fake). */
  backend?: (rules: BuiltinRules) => BookingBackend;
}

export interface Booking {
  /** The keyed-hash secret (ID numbers here; progress lookups share it). */
  secret: string;
  config: BookingConfig;
  service: BookingService;
  reminders: BookingReminders;
  backend: BookingBackend;
}

/** The ID-hash key: configured, else one shared by every instance through Redis, else per process. */
async function idHashKey(env: BookingEnv, redis: BookingDeps['redis'], logger: Logger): Promise<string> {
  if (env.BOOKING_ID_HASH_KEY) return env.BOOKING_ID_HASH_KEY;
  if (!redis) return randomSecret();
  const key = bookingKeys(redis.prefix).secret();
  await call(redis.client, 'Booking.secret', (c) => c.set(key, randomSecret(), { NX: true }));
  const secret = await call(redis.client, 'Booking.secret', (c) => c.get(key));
  if (!secret) throw new Error('booking: could not read the ID-hash key from Redis');
  logger.info('BOOKING_ID_HASH_KEY is not set: using the key kept in Redis (set it to keep per-person rules if Redis data is lost)');
  return secret;
}

/** Wires the booking: configuration, backend (built-in on Redis or memory, or HTTP), the service and reminders. */
export async function createBooking(deps: BookingDeps): Promise<Booking> {
  const env = parseEnv(BookingEnvSchema, deps.env);
  const config = await loadBookingConfig(deps.catalog, env.BOOKING_RULES_FILE);
  const secret = await idHashKey(env, deps.redis, deps.logger);
  const rules = new BuiltinRules(config, deps.catalog.calendar, secret);
  let backend: BookingBackend;
  if (deps.backend) backend = deps.backend(rules);
  else if (env.BOOKING_BACKEND === 'http') {
    const { HttpBookingBackend } = await import('./http-backend');
    backend = HttpBookingBackend.fromEnv(env, deps.logger);
  } else backend = deps.redis ? new RedisBookingBackend(deps.redis.client, rules, deps.redis.prefix) : new MemoryBookingBackend(rules);
  const service = new BookingService(config, deps.catalog.calendar, backend, deps.catalog);
  const reminders = new BookingReminders({ jobs: deps.jobs, backend, config, catalog: deps.catalog, delivery: deps.delivery, sent: deps.deduper, clock: deps.clock, logger: deps.logger });
  return { secret, config, service, reminders, backend };
}
