import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import type { WorkCalendar } from '../calendar';
import { msAt, parseClock } from '../calendar/dates';
import { CatalogError, targetOf, type Catalog } from '../catalog';
import type { ProgressBackend } from './port';
import { normaliseNumber } from './port';
import { StepNameSchema, type Application, type DemoEntry, type TimelineEntry } from './schema';
import { statusOf } from './timeline';
import { maskName } from '../booking/person';

export const DEMO_APPLICATIONS_FILE = fileURLToPath(new URL('./demo/applications.yaml', import.meta.url));

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time like 10:20');
const SeedSchema = z.strictObject({
  number: z.string().regex(/^[A-Z0-9]{8,32}$/),
  phoneLast4: z.string().regex(/^\d{4}$/),
  item: z.string().min(1),
  applicant: z.string().min(1),
  department: z.string().min(1),
  accepted: z.strictObject({ workdaysAgo: z.number().int().min(0).max(200), at: clock }),
  events: z.array(z.strictObject({ step: StepNameSchema, workday: z.number().int().min(0), at: clock, note: z.string().optional(), department: z.string().optional() })).default([]),
  upcoming: z.array(z.strictObject({ step: StepNameSchema, inMinutes: z.number().int().min(1), note: z.string().optional(), department: z.string().optional() })).default([]),
  correction: z.strictObject({ workday: z.number().int().min(0), at: clock, items: z.array(z.string().min(1)).min(1), how: z.string().optional(), resubmitted: z.strictObject({ workday: z.number().int().min(0), at: clock }).optional() }).optional(),
  special: z.array(z.strictObject({ kind: z.enum(['评定', '公示', '听证', '检验检测', '现场核查', '专家评审', '鉴定']), fromWorkday: z.number().int().min(0), days: z.number().int().min(1), note: z.string().optional() })).default([]),
  outcome: z.strictObject({ decision: z.enum(['准予', '不予']), reason: z.string().optional() }).optional(),
  delivery: z.strictObject({ method: z.enum(['EMS', '自取']), waybill: z.string().optional(), status: z.string().optional(), place: z.string().optional() }).optional(),
  timeLimit: z.strictObject({ amount: z.number().int().positive(), unit: z.enum(['workday', 'day']) }).optional(),
  bookingReference: z.string().optional(),
});
type Seed = z.infer<typeof SeedSchema>;
const SeedFileSchema = z.strictObject({ applications: z.array(SeedSchema).min(1) });

interface Planned {
  seed: Seed;
  /** Every change with its time: the past ones and the upcoming ones. */
  events: (TimelineEntry & { kind: 'step' })[];
  acceptedAt: number;
  correction: { requestedAt: number; resubmittedAt: number | null } | null;
  special: { kind: Seed['special'][number]['kind']; from: number; to: number; note?: string }[];
  timeLimit: Application['timeLimit'];
}

/** The promised (else statutory) day limit of a catalogue item, as the calendar counts it. */
function limitOf(catalog: Catalog, code: string): Application['timeLimit'] {
  const t = targetOf(catalog, code);
  const limit = t ? (t.kind === 'item' ? t.item.timeLimit : t.bundle.timeLimit) : undefined;
  const d = [limit?.promised, limit?.statutory].find((x) => x?.kind === 'days');
  return d?.kind === 'days' ? { amount: d.value, unit: d.unit === '工作日' ? 'workday' : 'day' } : null;
}

/**
 * The built-in progress backend: demo applications in several states, their times laid out from
 * the moment it starts (working days from the calendar), some changing a few minutes later so
 * "有进展通知我" can be seen working. Answers exactly like a platform would: nothing without both
 * the number and the right last 4 digits of the mobile.
 */
export class ProgressSimulator implements ProgressBackend {
  readonly #apps = new Map<string, Planned>();

  constructor(seeds: Seed[], catalog: Catalog, calendar: WorkCalendar, startedAt: number) {
    const today = calendar.dateOf(startedAt);
    for (const seed of seeds) {
      const acceptedDate = calendar.addWorkingDays(today, -seed.accepted.workdaysAgo).date;
      const at = (workday: number, time: string) => msAt(workday === 0 ? acceptedDate : calendar.addWorkingDays(acceptedDate, workday).date, parseClock(time));
      const acceptedAt = msAt(acceptedDate, parseClock(seed.accepted.at));
      const events: Planned['events'] = [
        { kind: 'step', step: '收件', at: acceptedAt - 5 * 60_000, department: seed.department },
        { kind: 'step', step: '受理', at: acceptedAt, department: seed.department },
        ...seed.events.map((e) => ({ kind: 'step' as const, step: e.step, at: at(e.workday, e.at), ...(e.note ? { note: e.note } : {}), ...(e.department ? { department: e.department } : {}) })),
        ...seed.upcoming.map((e) => ({ kind: 'step' as const, step: e.step, at: startedAt + e.inMinutes * 60_000, ...(e.note ? { note: e.note } : {}), ...(e.department ? { department: e.department } : {}) })),
      ];
      const c = seed.correction;
      this.#apps.set(seed.number, {
        seed,
        events,
        acceptedAt,
        correction: c ? { requestedAt: at(c.workday, c.at), resubmittedAt: c.resubmitted ? at(c.resubmitted.workday, c.resubmitted.at) : null } : null,
        special: seed.special.map((s) => {
          const from = at(s.fromWorkday, '10:00');
          return { kind: s.kind, from, to: from + s.days * 86_400_000, ...(s.note ? { note: s.note } : {}) };
        }),
        timeLimit: seed.timeLimit ?? limitOf(catalog, seed.item),
      });
    }
    this.#catalog = catalog;
  }

  readonly #catalog: Catalog;

  static async load(catalog: Catalog, startedAt: number, file = DEMO_APPLICATIONS_FILE): Promise<ProgressSimulator> {
    const parsed = SeedFileSchema.safeParse(parse(await readFile(file, 'utf8')));
    if (!parsed.success) throw new CatalogError(parsed.error.issues.map((i) => ({ file, field: i.path.join('.'), message: i.message })));
    const unknown = parsed.data.applications.flatMap((a, i) => (targetOf(catalog, a.item) ? [] : [{ file, field: `applications.${i}.item`, message: `unknown catalogue code "${a.item}"` }]));
    if (unknown.length) throw new CatalogError(unknown);
    return new ProgressSimulator(parsed.data.applications, catalog, catalog.calendar, startedAt);
  }

  async lookup(number: string, phoneLast4: string, now: number): Promise<Application | undefined> {
    const planned = this.#apps.get(normaliseNumber(number));
    return planned && planned.seed.phoneLast4 === phoneLast4 ? this.#at(planned, now) : undefined;
  }

  async get(number: string, now: number): Promise<Application | undefined> {
    const planned = this.#apps.get(normaliseNumber(number));
    return planned ? this.#at(planned, now) : undefined;
  }

  async byBookings(references: string[], now: number): Promise<Application[]> {
    return [...this.#apps.values()].filter((p) => p.seed.bookingReference && references.includes(p.seed.bookingReference)).map((p) => this.#at(p, now));
  }

  /** The seeded applications as `npm run progress:demo` prints them. */
  demo(now: number): DemoEntry[] {
    return [...this.#apps.values()].map((p) => ({ number: p.seed.number, secondFactor: p.seed.phoneLast4, status: statusOf(this.#at(p, now)), item: this.#at(p, now).item.name }));
  }

  /** The application as it stands at `now`. */
  #at(p: Planned, now: number): Application {
    const timeline = p.events.filter((e) => e.at <= now).map(({ kind: _kind, ...e }) => e);
    const correction = p.correction && p.correction.requestedAt <= now && p.seed.correction
      ? { requestedAt: p.correction.requestedAt, items: p.seed.correction.items, resubmittedAt: p.correction.resubmittedAt !== null && p.correction.resubmittedAt <= now ? p.correction.resubmittedAt : null, ...(p.seed.correction.how ? { how: p.seed.correction.how } : {}) }
      : null;
    const special = p.special.filter((s) => s.from <= now);
    const last = timeline.at(-1);
    const decided = timeline.some((e) => e.step === '决定');
    const t = targetOf(this.#catalog, p.seed.item);
    return {
      number: p.seed.number,
      item: { code: p.seed.item, name: t ? (t.kind === 'item' ? t.item.name : t.bundle.name) : p.seed.item },
      department: last?.department ?? p.seed.department,
      applicant: maskName(p.seed.applicant),
      timeline,
      timeLimit: p.timeLimit,
      correction,
      special,
      outcome: decided ? (p.seed.outcome ?? { decision: '准予' }) : null,
      delivery: p.seed.delivery ? { ...p.seed.delivery, ...(timeline.some((e) => e.step === '送达') ? {} : { status: undefined, waybill: undefined }) } : null,
      version: timeline.length + (correction ? 1 : 0) + (correction?.resubmittedAt ? 1 : 0) + special.length,
      ...(p.seed.bookingReference ? { bookingReference: p.seed.bookingReference } : {}),
    };
  }
}
