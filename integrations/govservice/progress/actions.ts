import { z } from 'zod';
import { defineAction } from '../../../flows/actions';
import type { Logger } from '../../../bot/logger';
import type { ConversationAddress } from '../../../bot/ports';
import type { WorkCalendar } from '../calendar';
import type { BookingBackend } from '../booking/port';
import { tagOf, type ProgressGuard } from './guard';
import { NUMBER_PATTERN, normaliseNumber, type ProgressBackend } from './port';
import type { Application } from './schema';
import { describeApplication, statusOf } from './timeline';
import type { WatchStore } from './watch';

/** What the progress actions are given. */
export interface ProgressContext {
  progress: { backend: ProgressBackend; guard: ProgressGuard; watches: WatchStore; secret: string };
  /** The resident's bookings: their applications are theirs without a second factor. */
  booking: { backend: BookingBackend };
  calendar: WorkCalendar;
  conversation: ConversationAddress;
  now: number;
  log: Logger;
}

const OptionSchema = z.object({ label: z.string(), value: z.string() });
const residentOf = (a: ConversationAddress) => `${a.channel}:${a.userId}`;

/** The same answer whether the number is unknown or the second factor wrong (anti-enumeration). */
export const NOT_FOUND = '没有查到与这个编号和手机号后4位都对得上的办件。请核对受理回执（或短信）上的办件编号，和申请时留的手机号。';

function lockedText(until: number, calendar: WorkCalendar, now: number): string {
  const clock = new Date(until + 8 * 3_600_000).toISOString().slice(11, 16);
  const day = calendar.dateOf(until) === calendar.dateOf(now) ? '' : '明天';
  return `查询没对上的次数有点多，为保护办件信息，查询先暂停到${day}${clock}。着急的话可以带身份证到办理窗口查询，或拨打12345政务服务便民热线。`;
}

/** An application number inside a message ("查一下SL6501000018办到哪了"), if one is there. */
export function numberIn(text: string | null | undefined): string | null {
  const m = /(?<![A-Za-z0-9])([A-Za-z]{0,4}[0-9][0-9\s-]{6,30}[0-9])(?![A-Za-z0-9])/u.exec(text ?? '');
  const n = m?.[1] ? normaliseNumber(m[1]) : '';
  // A mobile number is not an application number.
  return NUMBER_PATTERN.test(n) && !/^1[3-9]\d{9}$/.test(n) ? n : null;
}

export const lookupProgress = defineAction({
  name: 'progress.lookup',
  description: 'An application by its number and the last 4 digits of the applicant’s mobile; the same answer for a wrong number or factor; failures limited per resident and per number',
  input: z.object({ number: z.string().nullish(), given: z.string().nullish(), factor: z.string().min(1) }),
  output: z.object({ status: z.enum(['found', 'not-found', 'locked', 'bad-number', 'bad-factor']), number: z.string(), messages: z.array(z.string()).min(1), watching: z.boolean() }),
  async run(input, ctx: ProgressContext) {
    const number = normaliseNumber(input.number ?? input.given ?? '');
    const digits = input.factor.replace(/\D/gu, '');
    // A whole mobile typed instead of its last four: its last four.
    const factor = /^1[3-9]\d{9}$/.test(digits) ? digits.slice(-4) : digits;
    const out = (status: 'found' | 'not-found' | 'locked' | 'bad-number' | 'bad-factor', messages: string[], watching = false) => ({ status, number, messages, watching });
    if (!NUMBER_PATTERN.test(number)) return out('bad-number', ['办件编号是受理回执或短信上的一串字母和数字（一般8位以上），请再核对一下。']);
    if (!/^\d{4}$/.test(factor)) return out('bad-factor', ['请输入手机号的最后4位数字。']);
    const resident = residentOf(ctx.conversation);
    const { guard, backend, watches, secret } = ctx.progress;
    const log = ctx.log.child({ application: tagOf(secret, 'number', number) });
    const before = await guard.check(resident, number, ctx.now);
    if (!before.ok) {
      log.info('progress lookup refused: cool-down');
      return out('locked', [lockedText(before.until, ctx.calendar, ctx.now)]);
    }
    const app = await backend.lookup(number, factor, ctx.now);
    if (!app) {
      const after = await guard.fail(resident, number, ctx.now);
      log.info({ locked: !after.ok }, 'progress lookup failed');
      return after.ok ? out('not-found', [NOT_FOUND]) : out('locked', [NOT_FOUND, lockedText(after.until, ctx.calendar, ctx.now)]);
    }
    log.info({ status: statusOf(app) }, 'progress lookup');
    const watching = (await watches.mine(ctx.conversation)).includes(app.number);
    return out('found', describeApplication(app, ctx.calendar, ctx.now), watching);
  },
});

export const watchProgress = defineAction({
  name: 'progress.watch',
  description: '"有进展通知我": follow an application the resident unlocked (number and second factor again)',
  input: z.object({ number: z.string().min(1), factor: z.string().min(1) }),
  output: z.object({ ok: z.boolean(), messages: z.array(z.string()).min(1) }),
  async run(input, ctx: ProgressContext) {
    const digits = input.factor.replace(/\D/gu, '');
    const app = await ctx.progress.backend.lookup(normaliseNumber(input.number), digits.length === 11 ? digits.slice(-4) : digits, ctx.now);
    if (!app) return { ok: false, messages: [NOT_FOUND] };
    await ctx.progress.watches.add(app.number, ctx.conversation, app.version, ctx.now);
    ctx.log.info({ application: tagOf(ctx.progress.secret, 'number', app.number) }, 'progress watch');
    return {
      ok: true,
      messages: ['好的，这个办件有新进展时，我会在这里通知您（公众号上可能以“服务通知”的形式发给您）。以后回复“我的办件”就能直接查看，不用再输编号。'],
    };
  },
});

/** The applications that are the resident's without typing anything: those they follow, and those from their bookings here. */
async function mine(ctx: ProgressContext): Promise<Application[]> {
  const followed = await ctx.progress.watches.mine(ctx.conversation);
  const bookings = await ctx.booking.backend.listByBooker(ctx.conversation, ctx.now, ctx.now - 30 * 86_400_000);
  const fromBookings = bookings.length ? await ctx.progress.backend.byBookings(bookings.map((b) => b.reference), ctx.now) : [];
  const apps = [...(await Promise.all(followed.map((n) => ctx.progress.backend.get(n, ctx.now)))).filter((a): a is Application => a !== undefined), ...fromBookings];
  return apps.filter((a, i) => apps.findIndex((b) => b.number === a.number) === i);
}

export const myApplications = defineAction({
  name: 'progress.mine',
  description: '"我的办件": the resident’s applications (followed, or from their bookings here) as choices',
  input: z.object({}),
  output: z.object({ count: z.number(), options: z.array(OptionSchema) }),
  async run(_input, ctx: ProgressContext) {
    const apps = await mine(ctx);
    const options = apps.map((a) => ({ label: `${a.item.name}（${statusOf(a)}）`.slice(0, 40), value: a.number }));
    return { count: apps.length, options: apps.length ? [...options, { label: '查别的办件（输入编号）', value: 'other' }] : [] };
  },
});

export const showApplication = defineAction({
  name: 'progress.show',
  description: 'One of the resident’s own applications (followed or from a booking here), without a second factor',
  input: z.object({ number: z.string().min(1) }),
  output: z.object({ found: z.boolean(), messages: z.array(z.string()).min(1) }),
  async run({ number }, ctx: ProgressContext) {
    const app = (await mine(ctx)).find((a) => a.number === number);
    if (!app) return { found: false, messages: ['这个办件不在您的“我的办件”里了，请输入编号查询。'] };
    return { found: true, messages: describeApplication(app, ctx.calendar, ctx.now) };
  },
});

export const findNumber = defineAction({
  name: 'progress.numberIn',
  description: 'An application number the resident already typed in their message',
  input: z.object({ query: z.string().nullish() }),
  output: z.object({ number: z.string().nullable() }),
  async run({ query }) {
    return { number: numberIn(query) };
  },
});

export const progressActions = [lookupProgress, watchProgress, myApplications, showApplication, findNumber];
