import { z } from 'zod';
import { HoursRuleSchema, SpecialDaySchema, type HoursRule } from '../calendar/schema';

/**
 * The 一次性告知 catalogue: service items (事项), a shared materials library, halls and
 * 一件事 bundles. Every fact a resident is told comes from these records; nothing is invented.
 *
 * Codes are stable and read like `GA-SFZ-HL` (department - subject - action); a bundle's code
 * starts with `YJS-`.
 */

export const ITEM_CODE_PATTERN = /^[A-Z]{2,4}(-[A-Z0-9]{1,6}){1,3}$/;
const IdSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,47}$/, 'lower-case letters, digits, _ and -');
const DateSchema = z.iso.date();
const ItemCodeSchema = z.string().regex(ITEM_CODE_PATTERN, 'code like GA-SFZ-HL');

/** One answer a resident can give to a scenario question. `hints` are words that reveal it in free text. */
export const DimensionOptionSchema = z.object({
  value: IdSchema,
  label: z.string().min(1),
  hints: z.array(z.string().min(1)).default([]),
});
export type DimensionOption = z.infer<typeof DimensionOptionSchema>;

/**
 * A scenario dimension (情形): applicant 本人/委托代办, occasion 首次/换领/补领, residence 户籍地/异地 …
 * Conventional ids (applicant, subject, residence, age, occasion) let one answer serve every item of a bundle.
 */
export const DimensionSchema = z.object({
  id: IdSchema,
  question: z.string().min(1),
  options: z.array(DimensionOptionSchema).min(2),
});
export type Dimension = z.infer<typeof DimensionSchema>;

/** Conditions on dimensions: every listed dimension must have one of the listed values (AND across, OR within). */
export const WhenSchema = z.record(IdSchema, z.array(IdSchema).min(1));
export type When = z.infer<typeof WhenSchema>;

export const MaterialFormSchema = z.enum(['原件', '复印件', '原件及复印件', '电子文件', '现场填写', '现场采集']);
export type MaterialForm = z.infer<typeof MaterialFormSchema>;

/** When a material need not be handed in because the hall can fetch it itself. */
export const ExemptionSchema = z.object({
  kind: z.enum(['电子证照', '数据共享']),
  note: z.string().min(1),
});

/** One entry of the shared materials library (materials.yaml). */
export const MaterialSchema = z.object({
  id: IdSchema,
  name: z.string().min(1),
  form: MaterialFormSchema,
  copies: z.number().int().min(0),
  issuer: z.string().min(1).optional(),
  exemptIf: ExemptionSchema.optional(),
  rongque: z.boolean().default(false),
  notes: z.string().min(1).optional(),
});
export type Material = z.infer<typeof MaterialSchema>;

/** A material an item needs, optionally only in some scenarios; form/copies override the library default. */
export const ItemMaterialSchema = z.object({
  ref: IdSchema,
  when: WhenSchema.optional(),
  form: MaterialFormSchema.optional(),
  copies: z.number().int().min(0).optional(),
  note: z.string().min(1).optional(),
});
export type ItemMaterial = z.infer<typeof ItemMaterialSchema>;

export const ConditionalTextSchema = z.object({ text: z.string().min(1), when: WhenSchema.optional() });
export type ConditionalText = z.infer<typeof ConditionalTextSchema>;

export const LegalBasisSchema = z.object({ title: z.string().min(1), article: z.string().min(1).optional() });

/** A time limit: 即办 (done on the spot) or N working/calendar days counted from a start rule. */
export const DurationSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('immediate'), note: z.string().min(1).optional() }),
  z.object({
    kind: z.literal('days'),
    value: z.number().int().positive(),
    unit: z.enum(['工作日', '自然日']),
    startRule: z.enum(['受理当日起算', '受理次日起算']).default('受理次日起算'),
    note: z.string().min(1).optional(),
  }),
]);
export type Duration = z.infer<typeof DurationSchema>;

export const TimeLimitSchema = z
  .object({ statutory: DurationSchema.optional(), promised: DurationSchema.optional(), note: z.string().min(1).optional() })
  .refine((t) => t.statutory ?? t.promised ?? t.note, { message: 'needs statutory, promised or a note' });
export type TimeLimit = z.infer<typeof TimeLimitSchema>;

export const FeeSchema = z.object({
  name: z.string().min(1),
  amountCny: z.number().nonnegative(),
  when: WhenSchema.optional(),
  basis: z.string().min(1).optional(),
});
export type Fee = z.infer<typeof FeeSchema>;

/** Free items are spelled exactly 「不收费」 (never 无 or empty), as 办事指南 rules require. */
export const FeesSchema = z.union([z.literal('不收费'), z.array(FeeSchema).min(1)]);
export type Fees = z.infer<typeof FeesSchema>;

export const ChannelsSchema = z.object({
  /** Visits to a hall; 0 means fully online (全程网办). */
  visits: z.number().int().min(0),
  onlineUrl: z.url().optional(),
  onlineNote: z.string().min(1).optional(),
  booking: z.boolean(),
  ems: z.enum(['免费寄递', '自费寄递', '不支持']),
  emsNote: z.string().min(1).optional(),
  crossRegion: z.array(z.object({ scope: z.enum(['跨区域通办', '跨省通办']), mode: z.string().min(1) })).default([]),
});
export type Channels = z.infer<typeof ChannelsSchema>;

/** Where the facts came from; `basis` says how sure we are. */
export const SourceSchema = z.object({
  basis: z.enum(['国家规定', '领域研究报告', '常见全国做法（未核实）']),
  text: z.string().min(1),
  url: z.url().optional(),
});

export const HallRefSchema = z.object({ hall: IdSchema, window: z.string().min(1) });

export const ItemTypeSchema = z.enum(['行政许可', '行政确认', '行政给付', '公共服务', '其他行政权力']);

/** A service item (事项) with everything 《行政许可法》第30条 asks to be made public. */
export const ServiceItemSchema = z.object({
  code: ItemCodeSchema,
  version: z.string().min(1),
  effectiveDate: DateSchema,
  name: z.string().min(1),
  aliases: z.array(z.string().min(1)).default([]),
  keywords: z.array(z.string().min(1)).default([]),
  department: z.string().min(1),
  type: ItemTypeSchema,
  audience: z.array(z.enum(['个人', '企业'])).min(1),
  legalBasis: z.array(LegalBasisSchema).min(1),
  conditions: z.array(ConditionalTextSchema).min(1),
  dimensions: z.array(DimensionSchema).default([]),
  materials: z.array(ItemMaterialSchema).min(1),
  steps: z.array(z.string().min(1)).min(1),
  timeLimit: TimeLimitSchema,
  fees: FeesSchema,
  feeNote: z.string().min(1).optional(),
  halls: z.array(HallRefSchema).min(1),
  channels: ChannelsSchema,
  result: z.string().min(1),
  consultPhone: z.string().min(1),
  notes: z.array(z.string().min(1)).default([]),
  source: SourceSchema,
  lastVerified: DateSchema,
  demo: z.boolean(),
});
export type ServiceItem = z.infer<typeof ServiceItemSchema>;

export const HallSchema = z.object({
  id: IdSchema,
  name: z.string().min(1),
  level: z.enum(['市级', '区级', '街道', '社区', '专业大厅']),
  district: z.string().min(1),
  address: z.string().min(1),
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
  /** Opening hours (seasons, date ranges, window groups); halls.yaml's defaultHours when not given. */
  hours: z.array(HoursRuleSchema).min(1).optional(),
  /** The hall's own closures and extra openings. */
  specialDays: z.array(SpecialDaySchema).default([]),
  phone: z.string().min(1),
  holidayNote: z.string().min(1),
  demo: z.boolean(),
});
/** A hall as loaded: its hours filled in from defaultHours. It is a schedule of the calendar. */
export type Hall = Omit<z.infer<typeof HallSchema>, 'hours'> & { hours: HoursRule[] };

/** An eligibility question of a bundle: the bundle applies only when the answer is one of `eligible`. */
export const EligibilityRuleSchema = DimensionSchema.extend({
  eligible: z.array(IdSchema).min(1),
  ineligibleNote: z.string().min(1),
});
export type EligibilityRule = z.infer<typeof EligibilityRuleSchema>;

/** A 一件事 bundle: several items done with one form, one set of materials and one window. */
export const BundleSchema = z.object({
  code: z.string().regex(/^YJS-[A-Z0-9]{2,8}$/, 'code like YJS-XSE'),
  version: z.string().min(1),
  effectiveDate: DateSchema,
  name: z.string().min(1),
  aliases: z.array(z.string().min(1)).default([]),
  keywords: z.array(z.string().min(1)).default([]),
  leadDepartment: z.string().min(1),
  items: z.array(ItemCodeSchema).min(2),
  /** Answers implied by the bundle itself (a newborn is always a minor). */
  fixedAnswers: z.record(IdSchema, IdSchema).default({}),
  eligibility: z.array(EligibilityRuleSchema).default([]),
  timeLimit: TimeLimitSchema,
  channels: ChannelsSchema,
  halls: z.array(HallRefSchema).min(1),
  notes: z.array(z.string().min(1)).default([]),
  source: SourceSchema,
  lastVerified: DateSchema,
  demo: z.boolean(),
});
export type Bundle = z.infer<typeof BundleSchema>;

/** Answers known so far: dimension id → option value. */
export const MaterialsFileSchema = z.object({ materials: z.array(MaterialSchema) });
export const HallsFileSchema = z.object({ defaultHours: z.array(HoursRuleSchema).min(1), halls: z.array(HallSchema).min(1) });

export const AnswersSchema = z.record(z.string(), z.string());
export type Answers = z.infer<typeof AnswersSchema>;
