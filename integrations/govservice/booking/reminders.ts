import type { Logger } from '../../../bot/logger';
import type { ChannelDelivery, Clock, Deduper, JobQueue, Notice } from '../../../bot/ports';
import { addDays, dateOf } from '../calendar';
import { msAt, parseClock } from '../calendar/dates';
import type { BookingBackend } from './port';
import type { BookingConfig } from './rules';
import type { Booking } from './schema';
import { reminderText } from './texts';
import type { Catalog } from '../catalog';

export const REMINDER_JOB = 'booking.remind';

export interface RemindersDeps {
  jobs: JobQueue;
  backend: BookingBackend;
  config: BookingConfig;
  catalog: Catalog;
  /** The channel's delivery at the time the reminder goes out (channels register late). */
  delivery(channel: string): ChannelDelivery | undefined;
  /** Marks a reminder sent, so a job run twice (a crash after sending) sends once. */
  sent: Deduper;
  clock: Clock;
  logger: Logger;
}

/** A reminder job's id: one per booking and version, so a changed booking gets a new one. */
export const reminderJobId = (b: Pick<Booking, 'reference' | 'version'>): string => `remind-${b.reference}-v${b.version}`;

/**
 * Day-before reminders: a delayed job per booking (BullMQ on Redis, so it survives restarts),
 * removed when the booking is cancelled and replaced when its time changes. When the job runs it
 * reads the booking again and sends only if it is still booked at that version, through the
 * channel's notification means (WeChat: customer-service message inside the 48-hour window, else
 * the subscription or template message the resident agreed to).
 */
export class BookingReminders {
  constructor(private readonly deps: RemindersDeps) {
    deps.jobs.handle(REMINDER_JOB, (data) => this.#run(data));
  }

  /** When the reminder for `booking` goes out: the day before at `remindAt`. */
  remindAt(booking: Pick<Booking, 'slot'>): number {
    return msAt(addDays(booking.slot.date, -1), parseClock(this.deps.config.rules.remindAt));
  }

  /** Whether a reminder will go out (the resident agreed and its time is still ahead). */
  willRemind(booking: Booking, now: number): boolean {
    return booking.remind && this.remindAt(booking) > now;
  }

  async schedule(booking: Booking, now: number): Promise<void> {
    if (!this.willRemind(booking, now)) return;
    await this.deps.jobs.schedule({ id: reminderJobId(booking), name: REMINDER_JOB, runAt: this.remindAt(booking), data: { reference: booking.reference, version: booking.version } });
  }

  /** Removes the reminder of a booking as it was (`version`): cancelled or moved. */
  async cancel(booking: Pick<Booking, 'reference' | 'version'>): Promise<void> {
    await this.deps.jobs.cancel(reminderJobId(booking));
  }

  async #run(data: Record<string, unknown>): Promise<void> {
    const reference = String(data.reference ?? '');
    const version = Number(data.version ?? 0);
    const booking = await this.deps.backend.get(reference);
    const log = this.deps.logger.child({ booking: reference });
    if (!booking || booking.status !== 'booked' || booking.version !== version) return log.info({ status: booking?.status ?? 'gone' }, 'booking reminder skipped: booking changed or cancelled');
    const delivery = this.deps.delivery(booking.booker.channel);
    if (!delivery) return log.warn({ channel: booking.booker.channel }, 'booking reminder not sent: the channel cannot deliver');
    const claim = `remind:${reference}:${version}`;
    if (!(await this.deps.sent.claim(claim, 30 * 86_400))) return;
    const now = this.deps.clock.now();
    const notice: Notice = {
      kind: 'booking-reminder',
      text: reminderText(booking, this.deps.catalog, dateOf(now)),
      fields: { service: booking.item.name, time: `${booking.slot.date.slice(5).replace('-', '月')}日 ${booking.slot.start}`, place: booking.hallName },
      expiresAt: booking.startsAt,
    };
    try {
      if (delivery.notice) await delivery.notice(booking.booker, notice);
      else await delivery.deliver(booking.booker, [{ kind: 'text', text: notice.text }]);
    } catch (err) {
      await this.deps.sent.release(claim);
      throw err;
    }
    log.info({ channel: booking.booker.channel }, 'booking reminder sent');
  }
}
