/**
 * Operator tool for the built-in booking backend on Redis (REDIS_URL, KEY_PREFIX):
 *
 *   npm run --silent booking -- show YY20261201000019      the booking, masked, as JSON
 *   npm run --silent booking -- no-show YY20261201000019   the applicant did not come (no-show rule)
 *   npm run --silent booking -- slots GA-SFZ-HL tianshan-center 2026-12-02   free places per slot
 *
 * Halls running their own queueing system report no-shows there (BOOKING_BACKEND=http).
 * Errors: one line on stderr, exit code 2 (usage) or 1 (Redis, configuration).
 */
import { pathToFileURL } from 'node:url';
import { loadCoreConfig, parseEnv } from '../../../bot/config';
import { createLogger } from '../../../bot/logger';
import { call, connectRedis } from '../../redis/client';
import { loadCatalog } from '../catalog';
import { BuiltinRules } from './builtin';
import { BookingEnvSchema } from './index';
import { bookingKeys, RedisBookingBackend } from './redis-store';
import { loadBookingConfig } from './rules';

const USAGE = 'usage: booking -- show REF | no-show REF | slots ITEM HALL DATE';

export async function main(argv: string[], env: Record<string, string | undefined> = process.env, out = (t: string) => process.stdout.write(t), err = (t: string) => process.stderr.write(t)): Promise<number> {
  const [command, ...args] = argv.filter((a) => a !== '--');
  const valid = (command === 'show' || command === 'no-show') ? args.length === 1 : command === 'slots' ? args.length === 3 : false;
  if (!valid) {
    err(`booking: ${USAGE}\n`);
    return 2;
  }
  const core = loadCoreConfig(env);
  if (!core.REDIS_URL) {
    err('booking: REDIS_URL is not set (the embedded backend lives inside the running service only)\n');
    return 1;
  }
  const logger = createLogger({ level: 'warn' });
  const client = await connectRedis(core.REDIS_URL, logger, { initialAttempts: 2 });
  try {
    const booking = parseEnv(BookingEnvSchema, env);
    const catalog = await loadCatalog();
    const config = await loadBookingConfig(catalog, booking.BOOKING_RULES_FILE);
    const secret = booking.BOOKING_ID_HASH_KEY ?? (await call(client, 'Booking.secret', (c) => c.get(bookingKeys(core.KEY_PREFIX).secret())));
    if (!secret) {
      err('booking: no ID-hash key yet (no booking was ever made on this Redis)\n');
      return 1;
    }
    const backend = new RedisBookingBackend(client, new BuiltinRules(config, catalog.calendar, secret), core.KEY_PREFIX);
    if (command === 'slots') {
      const [item = '', hall = '', date = ''] = args;
      const w = config.windowAt(item, hall);
      if (!w) {
        err(`booking: "${item}" cannot be booked at "${hall}"\n`);
        return 2;
      }
      const slots = await backend.availability({ hall, window: w.window, dates: [date], elderly: true, now: Date.now() });
      out(`${JSON.stringify({ item, hall, window: w.window, places: w.places, green: w.green, slots: slots.map((s) => ({ start: s.slot.start, end: s.slot.end, free: s.free })) })}\n`);
      return 0;
    }
    const reference = args[0] ?? '';
    const found = command === 'show' ? await backend.get(reference) : await backend.recordNoShow(reference, Date.now());
    if (!found) {
      err(`booking: no booking ${reference}\n`);
      return 1;
    }
    // Only masked personal data leaves: the name, phone and ID are shown as residents see them.
    const { applicant, ...rest } = found;
    out(`${JSON.stringify({ ...rest, applicant: { name: applicant.nameMasked, id: applicant.idMasked, phone: applicant.phoneMasked, elderly: applicant.elderly } })}\n`);
    return 0;
  } finally {
    await client.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`booking: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
