import { z } from 'zod';
import { defineAction } from '../../../flows/actions';
import type { Logger } from '../../../bot/logger';
import type { ConversationAddress, References, ServiceFinder } from '../../../bot/ports';
import { dateOf } from '../calendar';
import { targetOf, type Catalog } from '../catalog';
import { hallOptions } from '../hall-hours';
import { ageOn, maskIdNumber, maskName, maskPhone } from './person';
import type { BookingReminders } from './reminders';
import type { Booking } from './schema';
import type { BookingService} from './service';
import { dayText, slotText } from './service';
import { bookingOption, bookingSummary, confirmationText, deadlineText, placeText, refusalText, TRADITIONAL_WAYS } from './texts';

/** What the booking actions are given: the service, reminders and the usual ports. */
export interface BookingContext {
  booking: BookingService;
  reminders: BookingReminders;
  catalog: Catalog;
  finder: ServiceFinder;
  references: References;
  conversation: ConversationAddress;
  key: string;
  now: number;
  log: Logger;
}

const OptionSchema = z.object({ label: z.string(), value: z.string() });
const OfferSchema = z.object({ label: z.string(), value: z.string(), end: z.string().optional(), synonyms: z.array(z.string()).optional(), unavailable: z.string().optional() });
const HallOptionSchema = z.object({ label: z.string(), value: z.string(), synonyms: z.array(z.string()), latitude: z.number(), longitude: z.number() });
const text = z.string().nullish();
const flag = z.boolean().nullish();
const Answers = z.record(z.string(), z.string()).nullish();

function nameOf(catalog: Catalog, code: string): string {
  const t = targetOf(catalog, code);
  return t ? (t.kind === 'item' ? t.item.name : t.bundle.name) : code;
}

/** Whether the applicant may take the green channel's places: 60+ by the ID, or — before it is known — booked by a relative. */
function elderlyHint(ctx: BookingContext, input: { idNumber?: string | null; forWhom?: string | null; elderly?: boolean | null }, date?: string): boolean {
  if (input.elderly) return true;
  const id = input.idNumber;
  if (id && /^\d{17}[\dX]$/.test(id)) return ageOn(id, date ?? dateOf(ctx.now)) >= ctx.booking.config.greenChannel.minAge;
  return input.forWhom === 'family';
}

function hallChoices(ctx: BookingContext, code: string): z.infer<typeof HallOptionSchema>[] {
  const all = new Map(hallOptions(ctx.catalog).map((o) => [o.value, o]));
  return ctx.booking.config.windowsFor(code).map((w, i) => {
    const o = all.get(w.hall.name);
    // "随便哪个都行": the first listed (the city's own hall comes first in the data).
    const any = i === 0 ? ['随便', '都行', '都可以', '哪个都行', '哪都行', '无所谓'] : [];
    return { label: `${w.hall.name}（${w.hall.district}）`, value: w.hall.id, synonyms: [w.hall.name, ...(o?.synonyms ?? []), ...any], latitude: w.hall.lat, longitude: w.hall.lng };
  });
}

/** How an item that cannot be booked here is booked (or that it needs no booking), from the catalogue. */
function elsewhereText(catalog: Catalog, code: string): string {
  const t = targetOf(catalog, code);
  if (!t) return TRADITIONAL_WAYS;
  const name = nameOf(catalog, code);
  const c = t.kind === 'item' ? t.item.channels : t.bundle.channels;
  if (c.booking.available) return `「${name}」不在这里预约，预约方式：${c.booking.channel}${c.booking.note ? `（${c.booking.note}）` : ''}。不预约也可以在办公时间到窗口取号。`;
  if (c.visits === 0) return `「${name}」可以全程网上办，不用预约，也不用跑大厅。`;
  return `「${name}」不需要预约，办公时间直接到窗口取号办理就行${c.booking.note ? `（${c.booking.note}）` : ''}。`;
}

export const beginBooking = defineAction({
  name: 'booking.begin',
  description: 'Which item the resident wants to book (a code given, a choice made, or their words), whether it can be booked here, and at which halls',
  input: z.object({ service: text, query: text, picked: text }),
  output: z.object({
    status: z.enum(['bookable', 'elsewhere', 'ambiguous', 'none']),
    code: z.string().nullable(),
    name: z.string(),
    halls: z.array(HallOptionSchema),
    /** The only hall, when there is one. */
    hall: z.string().nullable(),
    elsewhere: z.string(),
    options: z.array(OptionSchema),
    suggestions: z.string(),
  }),
  async run({ service, query, picked }, ctx: BookingContext) {
    const none = { code: null, name: '', halls: [], hall: null, elsewhere: '', options: [], suggestions: '' };
    let code = picked && picked !== 'none' ? picked : service && targetOf(ctx.catalog, service) ? service : undefined;
    if (!code && picked !== 'none' && query) {
      const found = ctx.finder.find(query);
      if (found.kind === 'single') code = found.services[0]?.code;
      else if (found.kind === 'ambiguous') {
        // The bookable ones first: the resident came to book.
        const hits = [...found.services].sort((a, b) => Number(ctx.booking.config.bookable(b.code)) - Number(ctx.booking.config.bookable(a.code)));
        return { ...none, status: 'ambiguous' as const, options: [...hits.map((h) => ({ label: h.name, value: h.code })), { label: '都不是，换个说法', value: 'none' }] };
      } else if (found.services.length) return { ...none, status: 'none' as const, suggestions: `您是不是想约：${found.services.slice(0, 3).map((s) => `「${s.name}」`).join('、')}？` };
    }
    if (!code) return { ...none, status: 'none' as const };
    const name = nameOf(ctx.catalog, code);
    if (!ctx.booking.config.bookable(code)) return { ...none, status: 'elsewhere' as const, code, name, elsewhere: elsewhereText(ctx.catalog, code) };
    const halls = hallChoices(ctx, code);
    return { ...none, status: 'bookable' as const, code, name, halls, hall: halls.length === 1 ? (halls[0]?.value ?? null) : null };
  },
});

/** What is known of the applicant before the ID number: `forWhom` (self | family), or `elderly` (a booking being changed). */
const Who = { idNumber: text, forWhom: text, elderly: flag };

export const bookingDays = defineAction({
  name: 'booking.days',
  description: 'The days residents can book at a hall: free places per day; full, closed and unconfirmed days with their reason',
  input: z.object({ service: z.string().min(1), hall: z.string().min(1), wish: text, ...Who }),
  output: z.object({ options: z.array(OfferSchema), count: z.number(), note: z.string(), hallName: z.string(), none: z.string() }),
  async run(input, ctx: BookingContext) {
    const w = ctx.booking.windowAt(input.service, input.hall);
    const days = await ctx.booking.days(input.service, input.hall, elderlyHint(ctx, input), ctx.now, input.wish);
    const none = days.count === 0 ? `${w.hall.name}这几天的号都约满了${days.note ? `（${days.note}）` : ''}。${TRADITIONAL_WAYS}` : '';
    return { ...days, hallName: w.hall.name, none };
  },
});

export const bookingTimes = defineAction({
  name: 'booking.times',
  description: 'The free slots of a day at a hall, full ones with their reason',
  input: z.object({ service: z.string().min(1), hall: z.string().min(1), date: z.string().min(1), ...Who }),
  output: z.object({ options: z.array(OfferSchema), count: z.number(), day: z.string() }),
  async run(input, ctx: BookingContext) {
    const times = await ctx.booking.times(input.service, input.hall, input.date, elderlyHint(ctx, input, input.date), ctx.now);
    return { ...times, day: dayText(input.date) };
  },
});

const Details = {
  service: z.string().min(1),
  hall: z.string().min(1),
  date: z.string().min(1),
  time: z.string().min(1),
  name: z.string().min(1),
  idNumber: z.string().regex(/^\d{17}[\dX]$/),
  phone: z.string().regex(/^1[3-9]\d{9}$/),
  /** self | family: a relative books for the applicant (their own phone, the applicant's name and ID). */
  forWhom: text,
  remind: flag,
};

export const prepareBooking = defineAction({
  name: 'booking.prepare',
  description: 'What the confirmation shows: where, when, who (masked) and whether the green channel applies',
  input: z.object(Details),
  output: z.object({ where: z.string(), when: z.string(), person: z.string(), phone: z.string(), remind: z.string(), elderly: z.boolean() }),
  async run(input, ctx: BookingContext) {
    const w = ctx.booking.windowAt(input.service, input.hall);
    const slot = ctx.booking.slot(input.service, input.hall, input.date, input.time);
    const age = ageOn(input.idNumber, input.date);
    const elderly = age >= ctx.booking.config.greenChannel.minAge;
    return {
      where: `${w.hall.name} ${w.window}`,
      when: slotText(slot, dateOf(ctx.now)),
      person: `${maskName(input.name)}（身份证 ${maskIdNumber(input.idNumber)}）${elderly ? `，${age}岁，走老年人绿色通道` : ''}${input.forWhom === 'family' ? '，家属代约' : ''}`,
      phone: maskPhone(input.phone),
      remind: input.remind ? '办理前一天提醒' : '不用提醒',
      elderly,
    };
  },
});

const NextSchema = z.object({ date: z.string(), time: z.string() }).nullable();

export const reserveBooking = defineAction({
  name: 'booking.reserve',
  description: 'Books the slot (atomically, per-person rules included) under a YY number; when full, offers the next free slot',
  // `answers`: the scenario the resident read in the guide before; `readAnswers`: the one read inside the booking.
  input: z.object({ ...Details, answers: Answers, readAnswers: Answers }),
  output: z.object({ status: z.enum(['booked', 'full', 'refused']), reference: z.string().nullable(), messages: z.array(z.string()).min(1), offer: z.string(), next: NextSchema }),
  async run(input, ctx: BookingContext) {
    const slot = ctx.booking.slot(input.service, input.hall, input.date, input.time);
    const reference = await ctx.references.issue('booking', ctx.key, ctx.now);
    const elderly = ageOn(input.idNumber, input.date) >= ctx.booking.config.greenChannel.minAge;
    const result = await ctx.booking.reserve({
      reference,
      key: ctx.key,
      item: { code: input.service, name: nameOf(ctx.catalog, input.service) },
      slot,
      applicant: { name: input.name, idNumber: input.idNumber, phone: input.phone },
      elderly,
      booker: ctx.conversation,
      forFamily: input.forWhom === 'family',
      remind: input.remind === true,
      answers: input.answers ?? input.readAnswers ?? {},
      now: ctx.now,
    });
    const today = dateOf(ctx.now);
    ctx.log.info({ booking: result.status === 'booked' ? result.booking.reference : undefined, status: result.status, item: input.service, hall: input.hall, elderly }, 'booking reserve');
    if (result.status === 'booked') {
      const b = result.booking;
      if (!result.existing) await ctx.reminders.schedule(b, ctx.now);
      return { status: 'booked' as const, reference: b.reference, messages: confirmation(ctx, b, result.noShows), offer: '', next: null };
    }
    if (result.status === 'refused') {
      const rules = ctx.booking.config.rules;
      return { status: 'refused' as const, reference: null, messages: [refusalText(result.rule, { today, until: result.until, reference: result.reference, maxActive: rules.maxActive, maxActivePerBooker: rules.maxActivePerBooker })], offer: '', next: null };
    }
    const next = result.next;
    const offer = next ? `刚刚${slotText(slot, today)}这个时段约满了。最近还能约的是${slotText(next.slot, today)}，要约这个吗？` : '';
    const messages = next ? [offer] : [`抱歉，${slotText(slot, today)}刚刚约满了，这几天${ctx.booking.windowAt(input.service, input.hall).hall.name}也没有空号了。${TRADITIONAL_WAYS}`];
    return { status: 'full' as const, reference: null, messages, offer, next: next ? { date: next.slot.date, time: next.slot.start } : null };
  },
});

function confirmation(ctx: BookingContext, b: Booking, noShows: number): string[] {
  const remindAt = ctx.reminders.remindAt(b);
  return confirmationText(b, {
    catalog: ctx.catalog,
    today: dateOf(ctx.now),
    deadline: ctx.booking.cancelDeadline(b.startsAt),
    reminder: !b.remind ? 'declined' : ctx.reminders.willRemind(b, ctx.now) ? 'scheduled' : 'too-soon',
    remindAt,
    noShows,
    noShowRule: { strikes: ctx.booking.config.rules.noShow[b.applicant.elderly ? 'elderlyStrikes' : 'strikes'], restrictDays: ctx.booking.config.rules.noShow.restrictDays },
    phone: ctx.catalog.getHall(b.slot.hall)?.phone ?? '',
  });
}

export const listBookings = defineAction({
  name: 'booking.list',
  description: "The resident's bookings still ahead, as choices",
  input: z.object({}),
  output: z.object({ count: z.number(), options: z.array(OptionSchema), only: z.string().nullable() }),
  async run(_input, ctx: BookingContext) {
    const mine = await ctx.booking.backend.listByBooker(ctx.conversation, ctx.now);
    const today = dateOf(ctx.now);
    return { count: mine.length, options: mine.map((b) => ({ label: bookingOption(b, today), value: b.reference })), only: mine.length === 1 ? (mine[0]?.reference ?? null) : null };
  },
});

export const showBooking = defineAction({
  name: 'booking.show',
  description: 'One of the resident’s bookings: details, whether it can still be changed, and what the time picker needs',
  input: z.object({ reference: z.string().min(1) }),
  output: z.object({
    found: z.boolean(),
    reference: z.string(),
    messages: z.array(z.string()).min(1),
    canChange: z.boolean(),
    service: z.string(),
    hall: z.string(),
    halls: z.array(HallOptionSchema),
    elderly: z.boolean(),
    when: z.string(),
  }),
  async run({ reference }, ctx: BookingContext) {
    const b = await ctx.booking.backend.get(reference);
    const empty = { canChange: false, service: '', hall: '', halls: [], elderly: false, when: '' };
    if (!b || b.status !== 'booked' || b.booker.userId !== ctx.conversation.userId || b.booker.channel !== ctx.conversation.channel) return { ...empty, found: false, reference, messages: ['没有找到这个预约，可能已经取消或办过了。'] };
    const deadline = ctx.booking.cancelDeadline(b.startsAt);
    return {
      found: true,
      reference,
      messages: [bookingSummary(b, ctx.catalog, ctx.now, deadline)],
      canChange: ctx.now <= deadline,
      service: b.item.code,
      hall: b.slot.hall,
      halls: hallChoices(ctx, b.item.code).filter((h) => h.value === b.slot.hall),
      elderly: b.applicant.elderly,
      when: `${slotText(b.slot, dateOf(ctx.now))}「${b.item.name}」`,
    };
  },
});

export const cancelBooking = defineAction({
  name: 'booking.cancel',
  description: 'Cancels one of the resident’s bookings before its deadline; its reminder goes with it',
  input: z.object({ reference: z.string().min(1) }),
  output: z.object({ status: z.enum(['cancelled', 'too-late', 'not-found']), messages: z.array(z.string()).min(1) }),
  async run({ reference }, ctx: BookingContext) {
    const before = await ctx.booking.backend.get(reference);
    const result = await ctx.booking.backend.cancel({ reference, booker: ctx.conversation, now: ctx.now });
    ctx.log.info({ booking: reference, status: result.status }, 'booking cancel');
    const today = dateOf(ctx.now);
    if (result.status === 'cancelled') {
      if (before) await ctx.reminders.cancel(before);
      return { status: 'cancelled' as const, messages: [`已取消${slotText(result.booking.slot, today)}「${result.booking.item.name}」的预约（${reference}），号已让给别人。要重新约，回复“预约”就行。`] };
    }
    if (result.status === 'too-late') return { status: 'too-late' as const, messages: [`已经过了取消的截止时间（${deadlineText(result.deadline, today)}），网上取消不了了。去不了的话请致电大厅说明：${before ? (ctx.catalog.getHall(before.slot.hall)?.phone ?? '') : ''}。`] };
    return { status: 'not-found' as const, messages: ['没有找到这个预约，可能已经取消或办过了。'] };
  },
});

export const rescheduleBooking = defineAction({
  name: 'booking.reschedule',
  description: 'Moves one of the resident’s bookings to another slot (release and take at once); the reminder follows',
  input: z.object({ reference: z.string().min(1), hall: z.string().min(1), date: z.string().min(1), time: z.string().min(1) }),
  output: z.object({ status: z.enum(['booked', 'full', 'refused', 'too-late', 'not-found']), messages: z.array(z.string()).min(1), offer: z.string(), next: NextSchema }),
  async run(input, ctx: BookingContext) {
    const before = await ctx.booking.backend.get(input.reference);
    if (!before) return { status: 'not-found' as const, messages: ['没有找到这个预约，可能已经取消或办过了。'], offer: '', next: null };
    const slot = ctx.booking.slot(before.item.code, input.hall, input.date, input.time);
    const result = await ctx.booking.backend.reschedule({ reference: input.reference, booker: ctx.conversation, slot, key: ctx.key, now: ctx.now });
    ctx.log.info({ booking: input.reference, status: result.status }, 'booking reschedule');
    const today = dateOf(ctx.now);
    switch (result.status) {
      case 'booked': {
        if (!result.existing) {
          await ctx.reminders.cancel(before);
          await ctx.reminders.schedule(result.booking, ctx.now);
        }
        return { status: 'booked' as const, messages: [`已改好：「${result.booking.item.name}」改到${slotText(result.booking.slot, today)}，地点：${placeText(result.booking, ctx.catalog)}。预约号不变（${result.booking.reference}）。${result.booking.remind && ctx.reminders.willRemind(result.booking, ctx.now) ? '办理前一天还会提醒您。' : ''}`], offer: '', next: null };
      }
      case 'full': {
        const w = ctx.booking.windowAt(before.item.code, input.hall);
        const next = await ctx.booking.nextFree(w, before.applicant.elderly, ctx.now);
        const offer = next ? `${slotText(slot, today)}刚刚约满了。最近还能约的是${slotText(next.slot, today)}，改到这个吗？` : '';
        return { status: 'full' as const, messages: [offer || `${slotText(slot, today)}约满了，这几天也没有空号了，原来的预约不变。`], offer, next: next ? { date: next.slot.date, time: next.slot.start } : null };
      }
      case 'refused':
        return { status: 'refused' as const, messages: [`这一天办理人已经约过这个事项了，换一天吧；原来的预约不变。`], offer: '', next: null };
      case 'too-late':
        return { status: 'too-late' as const, messages: [`已经过了改时间的截止时间（${deadlineText(result.deadline, today)}），网上改不了了。去不了的话请致电大厅说明：${ctx.catalog.getHall(before.slot.hall)?.phone ?? ''}。`], offer: '', next: null };
      case 'not-found':
        return { status: 'not-found' as const, messages: ['没有找到这个预约，可能已经取消或办过了。'], offer: '', next: null };
    }
  },
});

export const bookingActions = [beginBooking, bookingDays, bookingTimes, prepareBooking, reserveBooking, listBookings, showBooking, cancelBooking, rescheduleBooking];
