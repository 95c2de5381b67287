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
  /** The public document that sets the amount (a price notice, a regulation and its article). */
  basis: z.string().min(1),
});
export type Fee = z.infer<typeof FeeSchema>;

/**
 * Free items are spelled exactly 「不收费」 (never 无 or empty), as 办事指南 rules require;
 * 「按本市标准收费」 is for charges whose amount the catalogue does not know (feeNote says whose standard).
 */
export const FeesSchema = z.union([z.literal('不收费'), z.literal('按本市标准收费'), z.array(FeeSchema).min(1)]);
export type Fees = z.infer<typeof FeesSchema>;

/**
 * How the result reaches the resident. 「窗口领取」 alone is the only case that means a trip to
 * collect it; money, records and SMS notices are never collected.
 */
export const DeliverySchema = z.enum(['当场发放', '窗口领取', '免费寄递', '自费寄递', '转入银行账户', '网上查询', '短信通知', '电子证照']);
export type Delivery = z.infer<typeof DeliverySchema>;

/** Booking: the real channel, or plainly not available. Booking is never a precondition (国办发〔2020〕45号). */
export const BookingSchema = z
  .object({ available: z.boolean(), channel: z.string().min(1).optional(), note: z.string().min(1).optional() })
  .refine((b) => !b.available || b.channel, { message: 'a booking that is available names its channel' });
export type Booking = z.infer<typeof BookingSchema>;

const CrossRegionSchema = z.array(z.object({ scope: z.enum(['跨区域通办', '跨省通办']), mode: z.string().min(1) })).default([]);

/** Where the item is done online: the platform's name residents know, and its address when public. */
export const OnlineSchema = z.object({ name: z.string().min(1), url: z.url().optional() });

export const ChannelsSchema = z.object({
  /** Visits to a hall; 0 means fully online (全程网办). */
  visits: z.number().int().min(0),
  online: OnlineSchema.optional(),
  onlineNote: z.string().min(1).optional(),
  booking: BookingSchema,
  delivery: z.array(DeliverySchema).min(1),
  deliveryNote: z.string().min(1).optional(),
  crossRegion: CrossRegionSchema,
});
export type Channels = z.infer<typeof ChannelsSchema>;

/** A bundle's channels: its results are those of its member items. */
export const BundleChannelsSchema = ChannelsSchema.omit({ delivery: true, deliveryNote: true });
export type BundleChannels = z.infer<typeof BundleChannelsSchema>;

/** A public document: a law or regulation and its article, a 国办 notice, a ministry's rule. Never an internal note. */
export const DocumentSchema = z.object({
  title: z.string().min(1),
  article: z.string().min(1).optional(),
  url: z.url().optional(),
});
export type SourceDocument = z.infer<typeof DocumentSchema>;

/** Where the facts came from: public documents, and a note on how the rest was compiled. */
export const SourceSchema = z.object({
  documents: z.array(DocumentSchema).min(1),
  note: z.string().min(1).optional(),
});

/** The part of an answer a fact belongs to, so an unverified one is marked 「以窗口为准」 where it is shown. */
export const AspectSchema = z.enum(['材料', '条件', '流程', '时限', '收费', '地点', '办理方式', '结果']);
export type Aspect = z.infer<typeof AspectSchema>;

/** A fact nobody has checked against a public source: said so in the data, shown as 「以窗口为准」. */
export const UnverifiedSchema = z.object({ about: AspectSchema, note: z.string().min(1) });
export type Unverified = z.infer<typeof UnverifiedSchema>;

export const HallRefSchema = z.object({ hall: IdSchema, window: z.string().min(1) });

export const ItemTypeSchema = z.enum(['行政许可', '行政确认', '行政给付', '公共服务', '其他行政权力']);

/** A service item (事项) with everything 《行政许可法》第30条 asks to be made public. */
export const ServiceItemSchema = z
  .object({
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
    /** Halls of halls.yaml where the item is done; may be empty when `where` names the places. */
    halls: z.array(HallRefSchema).default([]),
    /** Places that are not halls in the data (派出所, 学校, 婚姻登记处, 医院), in words. */
    where: z.string().min(1).optional(),
    channels: ChannelsSchema,
    result: z.string().min(1),
    consultPhone: z.string().min(1),
    notes: z.array(z.string().min(1)).default([]),
    source: SourceSchema,
    unverified: z.array(UnverifiedSchema).default([]),
    /** When someone last checked the entry against its public sources; null = never (a new entry written from them but not yet checked). Required. */
    lastVerified: DateSchema.nullable(),
    demo: z.boolean(),
  })
  .refine((i) => i.halls.length > 0 || i.where, { message: 'needs halls or a where-text', path: ['halls'] })
  .refine((i) => i.fees !== '按本市标准收费' || i.feeNote, { message: '按本市标准收费 needs a feeNote naming the standard', path: ['feeNote'] });
export type ServiceItem = z.infer<typeof ServiceItemSchema>;

export const HallSchema = z.object({
  id: IdSchema,
  name: z.string().min(1),
  level: z.enum(['市级', '区级', '街道', '社区', '专业大厅']),
  district: z.string().min(1),
  /** Other names residents use ("市民中心", "北京南路那个"), for picking the hall in words. */
  aliases: z.array(z.string().min(2)).default([]),
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

/** A member item of a bundle, done only when `when` holds (e.g. 公积金提取 only if the person had an account). */
export const BundleMemberSchema = z.union([
  ItemCodeSchema.transform((code): { code: string; when?: When } => ({ code })),
  z.object({ code: ItemCodeSchema, when: WhenSchema.optional() }),
]);
export type BundleMember = z.infer<typeof BundleMemberSchema>;

/** A member item whose materials the bundle itself supplies: the resident hands in nothing for it. */
export const ProvidedSchema = z.object({ item: ItemCodeSchema, note: z.string().min(1) });

/** A 一件事 bundle: several items done with one form, one set of materials and one window. */
export const BundleSchema = z.object({
  code: z.string().regex(/^YJS-[A-Z0-9]{2,8}$/, 'code like YJS-XSE'),
  version: z.string().min(1),
  effectiveDate: DateSchema,
  name: z.string().min(1),
  aliases: z.array(z.string().min(1)).default([]),
  keywords: z.array(z.string().min(1)).default([]),
  leadDepartment: z.string().min(1),
  items: z.array(BundleMemberSchema).min(2),
  /** The bundle's own scenario questions, used by members' `when` (asked only when they matter). */
  dimensions: z.array(DimensionSchema).default([]),
  /** Answers implied by the bundle itself (a newborn is always a minor). */
  fixedAnswers: z.record(IdSchema, IdSchema).default({}),
  /** In this bundle one material stands for another (监护人身份证 → 父母双方身份证): one list, no duplicates. */
  sameMaterials: z.record(IdSchema, IdSchema).default({}),
  provided: z.array(ProvidedSchema).default([]),
  /** Materials the bundle produces itself (退休证明 in 退休一件事): never asked of the resident. */
  waived: z.array(IdSchema).default([]),
  eligibility: z.array(EligibilityRuleSchema).default([]),
  timeLimit: TimeLimitSchema,
  channels: BundleChannelsSchema,
  halls: z.array(HallRefSchema).min(1),
  where: z.string().min(1).optional(),
  notes: z.array(z.string().min(1)).default([]),
  source: SourceSchema,
  unverified: z.array(UnverifiedSchema).default([]),
  /** As for items: null = never checked against its sources. */
  lastVerified: DateSchema.nullable(),
  demo: z.boolean(),
});
export type Bundle = z.infer<typeof BundleSchema>;

/** Answers known so far: dimension id → option value. */
export const MaterialsFileSchema = z.object({ materials: z.array(MaterialSchema) });
export const HallsFileSchema = z.object({ defaultHours: z.array(HoursRuleSchema).min(1), halls: z.array(HallSchema).min(1) });

export const AnswersSchema = z.record(z.string(), z.string());
export type Answers = z.infer<typeof AnswersSchema>;
