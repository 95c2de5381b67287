import { z } from 'zod';
import { defineAction } from '../../flows/actions';
import type { ServiceFinder } from '../../bot/ports';
import {
  answerFromReply,
  composeAnswer,
  extractKnownAnswers,
  forwardableSummary,
  questionsFor,
  targetOf,
  type Catalog,
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
}

const OptionSchema = z.object({ label: z.string(), value: z.string() });
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

function nameOf(t: Target): string {
  return t.kind === 'item' ? t.item.name : t.bundle.name;
}

function withQuestion(t: Target, code: string, answers: Record<string, string>): GuideState {
  const q = questionsFor(t, answers);
  return {
    code,
    name: nameOf(t),
    answers,
    question: q ? { dimension: q.dimensionId, text: q.question, options: q.options.map((o) => ({ label: o.label, value: o.value })) } : null,
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
      options: [...hits.map((h) => ({ label: h.name, value: h.code })), ...(result.kind === 'ambiguous' ? [{ label: '都不是，换个说法', value: 'none' }] : [])],
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
  input: z.object({ guide: GuideStateSchema, reply: z.string() }),
  output: GuideStateSchema,
  async run({ guide, reply }, ctx: GuideContext) {
    const t = target(ctx, guide.code);
    const q = questionsFor(t, guide.answers);
    const value = q ? (answerFromReply(q, reply) ?? q.options.find((o) => o.value === reply)?.value) : undefined;
    const answers = q && value ? { ...guide.answers, [q.dimensionId]: value } : guide.answers;
    return withQuestion(t, guide.code, answers);
  },
});

function context(ctx: GuideContext, location?: z.infer<typeof LocationSchema>) {
  const nearestTo = location?.latitude != null && location.longitude != null ? { lat: location.latitude, lng: location.longitude } : undefined;
  return { catalog: ctx.catalog, now: new Date(ctx.now), timeZone: ctx.timeZone ?? 'Asia/Shanghai', nearestTo };
}

export const composeGuide = defineAction({
  name: 'catalog.answer',
  description: 'The complete 一次性告知 answer (nearest hall first when a location is given)',
  input: z.object({ guide: GuideStateSchema, location: LocationSchema }),
  output: z.object({ messages: z.array(z.string()).min(1) }),
  async run({ guide, location }, ctx: GuideContext) {
    return { messages: composeAnswer(target(ctx, guide.code), guide.answers, context(ctx, location)) };
  },
});

export const guideNextSteps = defineAction({
  name: 'catalog.nextSteps',
  description: 'What the resident can do after the answer, for numbered choices',
  input: z.object({ guide: GuideStateSchema }),
  output: z.object({ options: z.array(OptionSchema).min(1) }),
  async run({ guide }, ctx: GuideContext) {
    const t = target(ctx, guide.code);
    const channels = t.kind === 'item' ? t.item.channels : t.bundle.channels;
    return {
      options: [
        { label: '预约办理', value: 'booking' },
        ...(channels.ems !== '不支持' ? [{ label: '结果邮寄', value: 'mail' }] : []),
        { label: '找离我最近的大厅', value: 'nearest' },
        { label: '发给家人', value: 'family' },
        { label: '转人工客服', value: 'human' },
        { label: '没有了，谢谢', value: 'done' },
      ],
    };
  },
});

export const guideFollowUp = defineAction({
  name: 'catalog.followUp',
  description: 'One next step told: booking channel, result by mail, or a forwardable summary',
  input: z.object({ guide: GuideStateSchema, topic: z.enum(['booking', 'mail', 'family']) }),
  output: z.object({ messages: z.array(z.string()).min(1) }),
  async run({ guide, topic }, ctx: GuideContext) {
    const t = target(ctx, guide.code);
    const channels = t.kind === 'item' ? t.item.channels : t.bundle.channels;
    switch (topic) {
      case 'booking':
        return {
          messages: [
            channels.booking
              ? `「${guide.name}」可以预约：${channels.onlineUrl ? `打开 ${channels.onlineUrl} ，选择大厅和时间段；` : ''}也可以拨打上面写的大厅咨询电话预约。60岁以上老人可走“老年人办事绿色通道”，到大厅直接找导办人员。`
              : `「${guide.name}」暂不支持预约，请在办公时间直接到窗口办理。60岁以上老人可走“老年人办事绿色通道”。`,
          ],
        };
      case 'mail':
        return {
          messages: [
            channels.ems === '不支持'
              ? '这项暂不支持结果邮寄。'
              : `办结后可${channels.ems === '免费寄递' ? '免费' : '自费'}邮寄到家：在窗口或网上申请时选择“EMS寄递”，填写收件地址即可。${channels.emsNote ?? ''}`,
          ],
        };
      case 'family':
        return { messages: [forwardableSummary(t, guide.answers, context(ctx)), '上面这条可以长按，选“转发”发给家人。'] };
    }
  },
});

export const guideActions = [findService, beginGuide, replyGuide, composeGuide, guideNextSteps, guideFollowUp];
