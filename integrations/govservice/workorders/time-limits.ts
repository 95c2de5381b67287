import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import { formatClock, minutesOf } from '../calendar/dates';
import { formatDate } from '../calendar/describe';
import type { WorkCalendar } from '../calendar';
import { TimeLimitSchema, type TimeLimit } from '../calendar/limits';
import { REQUEST_TYPES, type RequestType, type WorkOrderDeadline } from './port';

export const DEFAULT_TIME_LIMITS_FILE = fileURLToPath(new URL('./time-limits.yaml', import.meta.url));

const TypeLimitSchema = z.object({ reply: TimeLimitSchema.nullable(), extendable: z.boolean() });

/** time-limits.yaml: 答复时限 by request type, urgent orders' own, the 整改 limit. */
export const TimeLimitTableSchema = z.object({
  version: z.string().min(1),
  urgent: z.object({ dispatch: TimeLimitSchema, reply: TimeLimitSchema, extendable: z.boolean() }),
  types: z.object(Object.fromEntries(REQUEST_TYPES.map((t) => [t, TypeLimitSchema])) as Record<RequestType, typeof TypeLimitSchema>),
  rectification: TimeLimitSchema,
});
export type TimeLimitTable = z.infer<typeof TimeLimitTableSchema>;

export async function loadTimeLimits(file = DEFAULT_TIME_LIMITS_FILE): Promise<TimeLimitTable> {
  const parsed = TimeLimitTableSchema.safeParse(parse(await readFile(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** Deadlines of work orders: the table's limits counted on the working-day calendar. */
export class WorkOrderDeadlines {
  constructor(
    readonly table: TimeLimitTable,
    private readonly calendar: WorkCalendar,
  ) {}

  /** The 答复时限 of a new order; none for 表扬. */
  reply(type: RequestType, urgent: boolean, at: number): WorkOrderDeadline | undefined {
    const rule = this.table.types[type];
    if (!rule.reply) return undefined;
    if (urgent) return this.#deadline(this.table.urgent.reply, at, 'reply', this.table.urgent.extendable);
    return this.#deadline(rule.reply, at, 'reply', rule.extendable);
  }

  /** 整改时限 after a bad rating. */
  rectify(at: number): WorkOrderDeadline {
    return this.#deadline(this.table.rectification, at, 'rectify', false);
  }

  /**
   * The same deadline counted again from its basis: without the paused stretches (closed ones),
   * plus the extension's working days. Keeps the table version that produced it.
   */
  recount(d: WorkOrderDeadline): WorkOrderDeadline {
    if (!d.basis) throw new RangeError('this deadline has no basis to count again (filed before pauses were kept)');
    const pausedIntervals = (d.pauses ?? []).flatMap((p) => (p.to === undefined ? [] : [{ from: p.from, to: p.to }]));
    const base = this.calendar.deadline(d.basis.from, d.basis.limit, { pausedIntervals });
    const end = d.extension ? this.calendar.deadline(base.dueDate, { amount: d.extension.workdays, unit: 'workday' }) : base;
    return { ...d, ...this.#shown(d.basis.limit, end), confirmed: base.confirmed && end.confirmed };
  }

  #deadline(limit: TimeLimit, at: number, kind: WorkOrderDeadline['kind'], extendable: boolean): WorkOrderDeadline {
    const d = this.calendar.deadline(at, limit);
    return { ...this.#shown(limit, d), kind, tableVersion: this.table.version, confirmed: d.confirmed, extendable, basis: { limit, from: at } };
  }

  #shown(limit: TimeLimit, d: { due: Date; dueDate: string }): { dueAt: number; dueDate: string } {
    const hours = limit.unit === 'hour';
    return { dueAt: d.due.getTime(), dueDate: hours ? `${formatDate(d.dueDate)} ${formatClock(minutesOf(d.due.getTime()))}` : formatDate(d.dueDate) };
  }
}
