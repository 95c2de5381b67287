import { z } from 'zod';
import { WEEKDAYS, type Weekday } from './dates';

/**
 * The calendar as data (flows/catalog/calendar): one file per year of the national schedule,
 * the region's own holidays and seasons (regional.yaml), and per-schedule opening hours (halls
 * carry theirs in halls.yaml). Every year says where it came from and when it was checked.
 */

const DateSchema = z.iso.date();
const IdSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,47}$/, 'lower-case letters, digits, _ and -');

/** A public document the dates come from. */
export const CalendarSourceSchema = z.object({
  title: z.string().min(1),
  /** 文号, e.g. 国办发明电〔2025〕7号. */
  number: z.string().min(1).optional(),
  published: DateSchema.optional(),
  url: z.url().optional(),
});
export type CalendarSource = z.infer<typeof CalendarSourceSchema>;

/** When and how the dates were last checked against their source. */
export const CheckedSchema = z.object({ on: DateSchema, note: z.string().min(1) });

/** Consecutive days off, both ends included. */
export const HolidayRangeSchema = z
  .object({ name: z.string().min(1), from: DateSchema, to: DateSchema, note: z.string().min(1).optional() })
  .refine((h) => h.from <= h.to, { message: '"to" must not be before "from"', path: ['to'] });
export type HolidayRange = z.infer<typeof HolidayRangeSchema>;

/** A weekend day worked to make up for a holiday (调休上班日). */
export const MakeupDaySchema = z.object({ date: DateSchema, for: z.string().min(1) });
export type MakeupDay = z.infer<typeof MakeupDaySchema>;

/**
 * One year of the national schedule. `published`: the State Council's notice is out and copied
 * here. `unpublished`: not out (or not found) when checked; only the statutory days of
 * 《全国年节及纪念日放假办法》第二条 are listed, and every date of the year is shown as 预计.
 */
export const YearFileSchema = z.discriminatedUnion('status', [
  z.object({
    year: z.number().int().min(2000).max(2100),
    status: z.literal('published'),
    source: CalendarSourceSchema,
    checked: CheckedSchema,
    holidays: z.array(HolidayRangeSchema).min(1),
    makeupWorkdays: z.array(MakeupDaySchema).default([]),
  }),
  z.object({
    year: z.number().int().min(2000).max(2100),
    status: z.literal('unpublished'),
    checked: CheckedSchema,
    basis: z.string().min(1),
    /** Statutory days only; 调休 and bridges come with the notice. */
    estimatedHolidays: z.array(HolidayRangeSchema).default([]),
  }),
]);
export type YearFile = z.infer<typeof YearFileSchema>;

/** A year of the region's own holidays (少数民族习惯节日), set by the 自治区 every year. */
export const RegionalYearSchema = z.object({
  year: z.number().int().min(2000).max(2100),
  /** `confirmed`: checked against the 自治区's notice. `reported`: seen only in a reprint; those days show as 预计. */
  status: z.enum(['confirmed', 'reported']),
  source: CalendarSourceSchema,
  checked: CheckedSchema,
  holidays: z.array(HolidayRangeSchema).min(1),
  makeupWorkdays: z.array(MakeupDaySchema).default([]),
});
export type RegionalYear = z.infer<typeof RegionalYearSchema>;

/** A season of the region's 作息 (summer and winter hours), starting every year on `from` (MM-DD). */
export const SeasonSchema = z.object({
  id: IdSchema,
  name: z.string().min(1),
  from: z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'MM-DD'),
});
export type Season = z.infer<typeof SeasonSchema>;

export const RegionalFileSchema = z.object({
  region: z.string().min(1),
  basis: z.string().min(1),
  /** The region publishes its own schedule every year: a year without it here is unconfirmed. */
  yearlyNotice: z.boolean().default(true),
  seasons: z.object({ source: CalendarSourceSchema, checked: CheckedSchema, list: z.array(SeasonSchema).min(1) }),
  years: z.array(RegionalYearSchema).default([]),
});
export type RegionalFile = z.infer<typeof RegionalFileSchema>;

export const TimeRangeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, 'like 10:00-14:00');

/**
 * Open ranges per weekday (two when there is a midday break; [] = closed). `makeup`: the hours
 * of a 调休上班日 (a weekend worked), Monday's when not given.
 */
export const WeekHoursSchema = z.object({
  ...(Object.fromEntries(WEEKDAYS.map((d) => [d, z.array(TimeRangeSchema)])) as Record<Weekday, z.ZodArray<typeof TimeRangeSchema>>),
  makeup: z.array(TimeRangeSchema).optional(),
});
export type WeekHours = z.infer<typeof WeekHoursSchema>;

/**
 * One hours table and where it applies: a season of regional.yaml, a date range (a hall's new
 * hours from some day), some window groups (their hours differ from the hall's). The most
 * specific rule that applies wins: window groups first, then a dated rule over an undated one,
 * then a seasonal rule over an all-year one.
 */
export const HoursRuleSchema = z
  .object({
    season: IdSchema.optional(),
    from: DateSchema.optional(),
    to: DateSchema.optional(),
    windows: z.array(z.string().min(1)).min(1).optional(),
    week: WeekHoursSchema,
  })
  .refine((r) => !r.from || !r.to || r.from <= r.to, { message: '"to" must not be before "from"', path: ['to'] });
export type HoursRule = z.infer<typeof HoursRuleSchema>;

/** A schedule's own closure (`hours: []`) or opening (its hours) on some days, e.g. a system change-over. */
export const SpecialDaySchema = z
  .object({ from: DateSchema, to: DateSchema.optional(), hours: z.array(TimeRangeSchema), reason: z.string().min(1) })
  .refine((s) => !s.to || s.from <= s.to, { message: '"to" must not be before "from"', path: ['to'] });
export type SpecialDay = z.infer<typeof SpecialDaySchema>;

/** Opening hours of a hall (or any desk with hours, such as an agent team). */
export interface ScheduleSpec {
  id: string;
  hours: HoursRule[];
  specialDays: SpecialDay[];
}
