import { z } from 'zod';
import { defineAction } from '../../flows/actions';
import type { ServiceFinder } from '../../bot/ports';
import {
  activeItems,
  answerFromReply,
  canMail,
  composeBrief,
  composeDetails,
  extractKnownAnswers,
  forwardableSummary,
  answeredQuestions,
  openQuestions,
  questionOf,
  questionsFor,
  targetOf,
  type Catalog,
  type Question,
  type Target,
} from './catalog';


/**
 * The 一次性告知 actions the `guide` flow calls: find the item, ask only the questions that
 * change the list, then compose the complete answer. Answers come only from catalogue data.
 */
export interface GuideContext {
  catalog: Catalog;
  /** The catalogue search with its evidence (margins, key objects). */
  finder: ServiceFinder;
  now: number;
  timeZone?: string;
  /** Whether a catalogue code can be booked in this assistant (the booking flow); without it, only the booking channel is told. */
  bookable?: (code: string) => boolean;
}

// `synonyms`: words that pick the option, so residents answer in their own words.
const OptionSchema = z.object({ label: z.string(), value: z.string(), synonyms: z.array(z.string()).optional(), hidden: z.boolean().optional() });
const AnswersSchema = z.record(z.string(), z.string());
const LocationSchema = z.object({ latitude: z.number().nullable(), longitude: z.number().nullable(), label: z.string().nullable().optional() }).nullish();

/** The guide's working state, kept in one slot between turns. */
const GuideStateSchema = z.object({
  code: z.string(),
  name: z.string(),
  answers: AnswersSchema,
  question: z.object({ dimension: z.string(), text: z.string(), options: z.array(OptionSchema) }).nullable(),
});
type GuideState = z.infer<typeof GuideStateSchema>;

function target(ctx: GuideContext, code: string): Target {
  const found = targetOf(ctx.catalog, code);
  if (!found) throw new Error(`guide: unknown catalogue code "${code}"`);
  return found;
}

/** How residents name a catalogue entry besides its name. */
function wordsFor(ctx: GuideContext, code: string): string[] {
  const t = targetOf(ctx.catalog, code);
  const e = t?.kind === 'item' ? t.item : t?.bundle;
  return e ? [...e.aliases, ...e.keywords] : [];
}

function nameOf(t: Target): string {
  return t.kind === 'item' ? t.item.name : t.bundle.name;
}

// A hidden option's value: the answer to another open question ("category=physical").
const OTHER = '=';

/**
 * The state with its next question. The question also understands, as hidden options, the
 * answers to the questions after it, so "肢体残疾" said when the 户口 was asked is kept.
 */
function withQuestion(t: Target, code: string, answers: Record<string, string>, note = ''): GuideState {
  const [q, ...later] = openQuestions(t, answers);
  const hiddenOf = (o: Question, except?: string) =>
    o.options.flatMap((opt) => (opt.value === except ? [] : [{ label: opt.label, value: `${o.dimensionId}${OTHER}${opt.value}`, synonyms: opt.hints, hidden: true }]));
  // Answers to later questions, and other answers to earlier ones ("我说错了，是丢了不是坏了").
  const hidden = [...later.flatMap((o) => hiddenOf(o)), ...answeredQuestions(t, answers).flatMap((o) => hiddenOf(o, answers[o.dimensionId]))];
  return {
    code,
    name: nameOf(t),
    answers,
    question: q ? { dimension: q.dimensionId, text: `${note}${q.question}`, options: [...q.options.map((o) => ({ label: o.label, value: o.value, synonyms: o.hints })), ...hidden] } : null,
  };
}

export const findService = defineAction({
  name: 'catalog.find',
  description: 'Find the service item or bundle a resident means',
  // `service`: a catalogue code already chosen (a clarifying question answered, an LLM command).
  input: z.object({ query: z.string().nullish(), service: z.string().nullish() }),
  output: z.object({ status: z.enum(['single', 'ambiguous', 'none']), code: z.string().nullable(), options: z.array(OptionSchema), suggestions: z.string() }),
  async run({ query, service }, ctx: GuideContext) {
    const chosen = service ? targetOf(ctx.catalog, service) : undefined;
    if (chosen) return { status: 'single' as const, code: service ?? null, options: [], suggestions: '' };
    const result = ctx.finder.find(query ?? '');
    const hits = result.services;
    return {
      status: result.kind,
      code: result.kind === 'single' ? (hits[0]?.code ?? null) : null,
      // Ambiguous: the candidates, and a way out when none is meant.
      // Each choice also answers to its aliases and keywords: "驾照那个", "身份证".
      options: [...hits.map((h) => ({ label: h.name, value: h.code, synonyms: wordsFor(ctx, h.code) })), ...(result.kind === 'ambiguous' ? [{ label: '都不是，换个说法', value: 'none' }] : [])],
      suggestions: hits.slice(0, 3).map((h) => `「${h.name}」`).join('、'),
    };
  },
});

export const beginGuide = defineAction({
  name: 'catalog.begin',
  description: 'Start telling an item: read answers already in the first message, pick the first question',
  input: z.object({ code: z.string().min(1), query: z.string().nullish() }),
  output: GuideStateSchema,
  async run({ code, query }, ctx: GuideContext) {
    const t = target(ctx, code);
    return withQuestion(t, code, query ? extractKnownAnswers(query, t) : {});
  },
});

export const replyGuide = defineAction({
  name: 'catalog.reply',
  description: 'Record the answer to the current scenario question and pick the next one',
  // `said`: the resident's own words, which may answer later questions too ("没满，户口在外地").
  input: z.object({ guide: GuideStateSchema, reply: z.string(), said: z.string().nullish() }),
  output: GuideStateSchema,
  async run({ guide, reply, said }, ctx: GuideContext) {
    const t = target(ctx, guide.code);
    // The answer to a later question (a hidden option): kept, and the same question asked again.
    const [dimension, other] = reply.split(OTHER);
    if (other !== undefined && dimension) {
      const label = questionOf(t, dimension)?.options.find((o) => o.value === other)?.label ?? other;
      const note = guide.answers[dimension] === undefined ? '好的，记下了。' : `好的，已改成「${label}」。`;
      return withQuestion(t, guide.code, { ...guide.answers, [dimension]: other }, note);
    }
    const q = questionsFor(t, guide.answers);
    const value = q ? (answerFromReply(q, reply) ?? q.options.find((o) => o.value === reply)?.value) : undefined;
    const more = said ? Object.fromEntries(Object.entries(extractKnownAnswers(said, t)).filter(([dim]) => dim !== q?.dimensionId && guide.answers[dim] === undefined)) : {};
    const answers = q && value ? { ...more, ...guide.answers, [q.dimensionId]: value } : guide.answers;
    return withQuestion(t, guide.code, answers);
  },
});

function context(ctx: GuideContext, location?: z.infer<typeof LocationSchema>) {
  const nearestTo = location?.latitude != null && location.longitude != null ? { lat: location.latitude, lng: location.longitude } : undefined;
  return { catalog: ctx.catalog, now: new Date(ctx.now), timeZone: ctx.timeZone ?? 'Asia/Shanghai', nearestTo };
}

export const composeGuide = defineAction({
  name: 'catalog.answer',
  description: 'The short 一次性告知 answer: what to bring and where (nearest hall when a location is given); details on request',
  input: z.object({ guide: GuideStateSchema, location: LocationSchema }),
  output: z.object({ messages: z.array(z.string()).min(1) }),
  async run({ guide, location }, ctx: GuideContext) {
    return { messages: [composeBrief(target(ctx, guide.code), guide.answers, context(ctx, location))] };
  },
});

/** Whether any result of the target (a bundle: of a member that applies) can be mailed. */
function mailable(t: Target, answers: Record<string, string>): boolean {
  return activeItems(t, answers).some((i) => canMail(i.channels.delivery));
}

export const guideNextSteps = defineAction({
  name: 'catalog.nextSteps',
  description: 'What the resident can do after the answer, for numbered choices',
  input: z.object({ guide: GuideStateSchema }),
  output: z.object({ options: z.array(OptionSchema).min(1) }),
  async run({ guide }, ctx: GuideContext) {
    const t = target(ctx, guide.code);
    const halls = t.kind === 'item' ? t.item.halls : t.bundle.halls;
    return {
      options: [
        { label: '详细说明', value: 'details', synonyms: ['详细', '全部', '完整', '具体说说', '说详细点', '还有呢', '更多'] },
        // Bookable here: the booking flow starts for this item; otherwise its booking channel is told.
        { label: '预约办理', value: ctx.bookable?.(guide.code) ? 'book' : 'booking', synonyms: ['预约', '约个时间', '排号', '取号'] },
        ...(mailable(t, guide.answers) ? [{ label: '结果邮寄', value: 'mail', synonyms: ['邮寄', '寄到家', '寄回家', '快递', '寄过来', '能寄吗', 'ems'] }] : []),
        ...(halls.length > 1 ? [{ label: '找离我最近的大厅', value: 'nearest', synonyms: ['最近的大厅', '附近的大厅', '离我近', '在哪办', '去哪办', '大厅在哪'] }] : []),
        { label: '发给家人', value: 'family', synonyms: ['家人', '家里人', '转发', '分享', '发给', '转给'] },
        { label: '转人工客服', value: 'human', synonyms: ['人工', '客服', '工作人员'] },
        { label: '没有了，谢谢', value: 'done', synonyms: ['谢谢', '没有了', '没了', '不用了', '没事了', '知道了', '明白了', '就这些', '好的谢谢', '好的，谢谢'] },
      ],
    };
  },
});

function bookingText(t: Target, name: string): string {
  const { booking, visits } = t.kind === 'item' ? t.item.channels : t.bundle.channels;
  const elderly = '60岁以上老人可走“老年人办事绿色通道”，到大厅直接找导办人员，也可请家人代为预约。';
  if (booking.available) return `「${name}」可以预约：${booking.channel}${booking.note ? `（${booking.note}）` : ''}。不预约也可以在办公时间到窗口取号。${elderly}`;
  if (visits === 0) return `「${name}」可以全程网办，不需要预约。${elderly}`;
  return `「${name}」不提供预约，请在办公时间直接到窗口办理。${elderly}`;
}

function mailText(t: Target, answers: Record<string, string>): string {
  const items = activeItems(t, answers).filter((i) => canMail(i.channels.delivery));
  if (items.length === 0) return '这项的结果暂不支持邮寄。';
  return items
    .map((i) => {
      const free = i.channels.delivery.includes('免费寄递');
      return `${i.result}：可${free ? '免费' : '自费'}邮寄到家，申请时选择“邮寄送达”并填写收件地址。${i.channels.deliveryNote ?? ''}`;
    })
    .join('\n');
}

export const guideFollowUp = defineAction({
  name: 'catalog.followUp',
  description: 'One next step told: the details, booking channel, result by mail, or a forwardable summary',
  input: z.object({ guide: GuideStateSchema, topic: z.enum(['details', 'booking', 'mail', 'family']), location: LocationSchema }),
  output: z.object({ messages: z.array(z.string()).min(1) }),
  async run({ guide, topic, location }, ctx: GuideContext) {
    const t = target(ctx, guide.code);
    switch (topic) {
      case 'details':
        return { messages: composeDetails(t, guide.answers, context(ctx, location)) };
      case 'booking':
        return { messages: [bookingText(t, guide.name)] };
      case 'mail':
        return { messages: [mailText(t, guide.answers)] };
      case 'family':
        return { messages: [forwardableSummary(t, guide.answers, context(ctx, location)), '上面这条可以长按，选“转发”发给家人。'] };
    }
  },
});

export const guideActions = [findService, beginGuide, replyGuide, composeGuide, guideNextSteps, guideFollowUp];
