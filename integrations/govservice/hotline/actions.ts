import { z } from 'zod';
import { defineAction, flag, optionalText } from '../../../flows/actions';
import { photo, photosOf } from './fields';
import { guessCategory, routeElsewhere, topCategories, type HotlineConfig } from '../../../flows/hotline';
import type { HandoffDesk } from '../../../bot/handoff/desk';
import { maskPhone } from '../../../bot/pii';
import { parseReference } from '../../../bot/references';
import type { Logger } from '../../../bot/logger';
import type { ConversationAddress } from '../../../bot/ports';
import { REQUEST_TYPES, residentKeyOf, type RatingLevel, type RequestType, type WorkOrder, type WorkOrders } from '../workorders/port';
import { filingKey } from './filing-key';
import { submitFeedback } from './suggestion';
import { deadlineText, monthDay, orderDetail, orderLine, statusText, titleOf } from './texts';

/** What the 12345 actions get besides their input (bot/flow-runner.ts builds it). */
export interface HotlineContext {
  /** The ticketing port (integrations/govservice/workorders). */
  workOrders?: WorkOrders;
  hotline: HotlineConfig;
  /** The human-agent desk, when on: its transcript goes with the order. */
  handoff?: HandoffDesk;
  conversation: ConversationAddress;
  timeZone: string;
  key: string;
  now: number;
  log: Logger;
}

function ordersOf(ctx: HotlineContext): WorkOrders {
  if (!ctx.workOrders) throw new Error('12345: work orders are not connected');
  return ctx.workOrders;
}

const place = z.object({ latitude: z.number().nullish(), longitude: z.number().nullish(), label: z.string().nullish() }).loose().nullish();
const requestType = z.enum(REQUEST_TYPES);

/** Words that make a request urgent for the departments (not emergencies: those never get here). */
const URGENT_WORDS = ['停水', '停电', '没暖气', '暖气停', '漏电', '井盖丢', '井盖没了', '快塌了', '要塌了', '倒塌', '危房'];

/** Reads a description: a route elsewhere (matters 12345 does not take), the category, urgency. */
export const readRequest = defineAction({
  name: 'hotline.read',
  description: 'Read a 12345 request: route elsewhere, category guess, urgency',
  input: z.object({ description: z.string().min(1), type: optionalText }),
  output: z.object({
    elsewhere: z.string().nullable(),
    category: z.string().nullable(),
    path: z.array(z.string()),
    choices: z.array(z.object({ label: z.string(), value: z.string() })),
    urgent: z.boolean(),
    /** The type the resident chose, else one read from the words. */
    type: requestType,
  }),
  async run(input, ctx: HotlineContext) {
    const route = routeElsewhere(ctx.hotline, input.description);
    if (route) ctx.log.info({ route: route.id }, '12345 request pointed elsewhere');
    const guess = guessCategory(ctx.hotline, input.description);
    return {
      elsewhere: route?.reply ?? null,
      category: guess ? guess.path.join('·') : null,
      path: guess?.path ?? [],
      choices: topCategories(ctx.hotline).map((name) => ({ label: name, value: name })),
      urgent: URGENT_WORDS.some((w) => input.description.includes(w)),
      type: requestType.safeParse(input.type).data ?? typeOf(input.description),
    };
  },
});

// "说不清": a report names an offence, a complaint what is wrong; otherwise it is a request for help.
const REPORT_WORDS = /偷排|违建|违章|非法|举报|黑车|假货|传销|赌博/u;
const COMPLAINT_WORDS = /没人管|没人收|没人修|没人处理|太差|太吵|太大|扰民|乱|不给|拖欠|欠薪|欠工资|不发|态度|刁难|推诿|收费/u;

function typeOf(description: string): RequestType {
  if (REPORT_WORDS.test(description)) return '举报';
  return COMPLAINT_WORDS.test(description) ? '投诉' : '求助';
}

/** The category as the summary shows it and the order files it: the resident's pick, else the guess. */
export const sortRequest = defineAction({
  name: 'hotline.category',
  description: 'The category of a 12345 request, from the pick or the guess, and the contact as the summary shows it',
  input: z.object({ guessed: z.array(z.string()).nullish(), picked: optionalText, type: optionalText, guessedType: requestType, anonymous: flag, phone: optionalText }),
  output: z.object({ label: z.string(), path: z.array(z.string()), contact: z.string(), type: requestType }),
  async run(input) {
    const guessed = input.guessed ?? [];
    const path = input.picked && input.picked !== guessed[0] ? [input.picked] : guessed.length ? guessed : ['其他'];
    const contact = input.anonymous ? '匿名（不留姓名和电话）' : input.phone ? maskPhone(input.phone) : '未留';
    return { label: path.join('·'), path, contact, type: requestType.safeParse(input.type).data ?? input.guessedType };
  },
});

/** An open order of this resident close to this request, to add to instead of filing again. */
export const findSimilar = defineAction({
  name: 'hotline.similar',
  description: 'Find an open work order of the resident like this request',
  input: z.object({ type: requestType, description: z.string().min(1), place }),
  output: z.object({ reference: z.string().nullable(), title: z.string(), status: z.string(), openedOn: z.string() }),
  async run(input, ctx: HotlineContext) {
    const none = { reference: null, title: '', status: '', openedOn: '' };
    if (!ctx.workOrders) return none;
    const found = await ctx.workOrders.findSimilarOpen(residentKeyOf(ctx.conversation), {
      type: input.type,
      description: input.description,
      location: locationOf(input.place),
    });
    if (!found) return none;
    return { reference: found.reference, title: found.filing.title, status: statusText(found), openedOn: monthDay(found.openedAt, ctx.timeZone) };
  },
});

/** Adds what the resident said to their open order (补充). */
export const appendToOrder = defineAction({
  name: 'hotline.append',
  description: 'Add to an open work order of the resident',
  input: z.object({ reference: z.string().min(1), text: z.string().min(1).max(1000), place }),
  output: z.object({ reference: z.string() }),
  async run(input, ctx: HotlineContext) {
    const orders = ordersOf(ctx);
    const order = await orders.get(input.reference);
    if (!order || residentKeyOf(order.filing.address) !== residentKeyOf(ctx.conversation)) throw new Error('hotline.append: not the resident\'s order');
    const where = input.place?.label ? `（地点：${input.place.label}）` : '';
    await orders.append(input.reference, { text: `${input.text}${where}`, at: ctx.now, key: filingKey('addition', ctx.conversation, ctx.now, ctx.timeZone, [input.reference, input.text]), actor: { kind: 'resident' } });
    ctx.log.info({ reference: input.reference }, '12345 request added to an open work order');
    return { reference: input.reference };
  },
});

function locationOf(p: z.infer<typeof place>): WorkOrder['filing']['location'] {
  if (!p) return undefined;
  return {
    ...(p.label ? { text: p.label } : {}),
    ...(typeof p.latitude === 'number' && typeof p.longitude === 'number' ? { lat: p.latitude, lng: p.longitude } : {}),
  };
}

/** Files the request as a work order: its number, what happens next and the reply date. */
export const fileRequest = defineAction({
  name: 'hotline.file',
  description: 'File a 12345 request as a work order',
  input: z.object({
    type: requestType,
    category: z.array(z.string()).nullish(),
    urgent: flag,
    description: z.string().min(1).max(1000),
    place,
    happenedOn: optionalText,
    photo,
    anonymous: flag,
    name: optionalText,
    phone: optionalText,
    callback: flag,
  }),
  output: z.object({ reference: z.string(), next: z.string() }),
  async run(input, ctx: HotlineContext) {
    const orders = ordersOf(ctx);
    const anonymous = input.type === '举报' && input.anonymous;
    const transcript = ctx.handoff ? await ctx.handoff.transcriptFor(ctx.conversation.conversationId) : [];
    const order = await orders.file({
      key: filingKey('hotline', ctx.conversation, ctx.now, ctx.timeZone, [input.type, input.description, input.place?.label, input.happenedOn]),
      address: ctx.conversation,
      type: input.type,
      category: input.category?.length ? input.category : ['其他'],
      urgent: input.urgent,
      title: titleOf(input.description),
      description: input.description,
      location: locationOf(input.place),
      ...(input.happenedOn ? { happenedAt: input.happenedOn } : {}),
      photos: photosOf(input.photo),
      contact: anonymous ? {} : { ...(input.name ? { name: input.name } : {}), ...(input.phone ? { phone: input.phone } : {}) },
      anonymous,
      callbackConsent: !anonymous && input.callback,
      source: 'resident',
      transcript,
      fields: {},
      openedBy: { kind: 'resident' },
      at: ctx.now,
    });
    ctx.log.info({ reference: order.reference, type: input.type, category: order.filing.category.join('/'), urgent: input.urgent }, '12345 work order filed');
    return { reference: order.reference, next: nextSteps(order) };
  },
});

function nextSteps(o: WorkOrder): string {
  if (o.filing.type === '表扬') return '谢谢您的肯定，我们会转达给相关单位和工作人员。';
  const due = deadlineText(o.deadline);
  const contact = o.filing.anonymous ? '您选择了匿名，处理结果请在这里查看。' : o.filing.contact.phone ? '承办单位可能按您留的电话联系您。' : '';
  return [`接下来会派给承办单位办理${due ? `，${due}` : ''}。`, contact].filter(Boolean).join('\n');
}

/** The resident's orders: one in full, or a list to pick from. A GD number in the query shows that one. */
export const myOrders = defineAction({
  name: 'workorder.mine',
  description: "List the resident's 12345 work orders",
  input: z.object({ query: optionalText }),
  output: z.object({ messages: z.array(z.string()), options: z.array(z.object({ label: z.string(), value: z.string() })) }),
  async run(input, ctx: HotlineContext) {
    const orders = ordersOf(ctx);
    const resident = residentKeyOf(ctx.conversation);
    const typed = input.query?.normalize('NFKC').match(/G\s*D[\d\s-]{10,24}/iu)?.[0];
    const asked = typed ? parseReference(typed)?.reference : undefined;
    if (typed && !asked) return { messages: ['这个工单号好像不对，请核对一下（GD 开头，后面14位数字）。也可以直接回复“我的工单”看您的全部工单。'], options: [] };
    if (asked) {
      const order = await orders.get(asked);
      if (order && residentKeyOf(order.filing.address) === resident) return { messages: orderDetail(order, ctx.timeZone), options: [] };
      return { messages: [`没有找到您名下的工单 ${asked}。请核对号码；在别的微信号上反映的，请在那个微信号上查询，或拨打 12345 热线。`], options: [] };
    }
    const mine = await orders.listByResident(resident, 5);
    if (!mine.length) return { messages: ['您还没有在这里反映过诉求。有事需要12345，直接告诉我就行，比如“小区门口烧烤摊油烟太大”。'], options: [] };
    if (mine.length === 1) return { messages: orderDetail(mine[0]!, ctx.timeZone), options: [] };
    return { messages: [], options: mine.map((o) => ({ label: orderLine(o, ctx.timeZone), value: o.reference })) };
  },
});

export const showOrder = defineAction({
  name: 'workorder.show',
  description: "Show one of the resident's 12345 work orders",
  input: z.object({ reference: z.string().min(1) }),
  output: z.object({ messages: z.array(z.string()) }),
  async run(input, ctx: HotlineContext) {
    const order = await ordersOf(ctx).get(input.reference);
    if (!order || residentKeyOf(order.filing.address) !== residentKeyOf(ctx.conversation)) return { messages: ['没有找到这张工单。'] };
    return { messages: orderDetail(order, ctx.timeZone) };
  },
});

/** The order to rate: the one named, else the resident's newest closed order not yet rated. */
export const orderToRate = defineAction({
  name: 'workorder.toRate',
  description: 'The 12345 work order the resident may rate now',
  input: z.object({ reference: optionalText }),
  output: z.object({ reference: z.string().nullable() }),
  async run(input, ctx: HotlineContext) {
    const orders = ordersOf(ctx);
    const resident = residentKeyOf(ctx.conversation);
    const rateable = (o: WorkOrder | undefined) => !!o && residentKeyOf(o.filing.address) === resident && !o.rating && (o.status === '办结' || o.status === '回访');
    if (input.reference) {
      const o = await orders.get(input.reference);
      return { reference: rateable(o) ? input.reference : null };
    }
    const found = (await orders.listByResident(resident, 10)).find(rateable);
    return { reference: found?.reference ?? null };
  },
});

/** Records the 好差评; 1–2 open 整改 (the ticketing module sets its owner and deadline). */
export const rateOrder = defineAction({
  name: 'workorder.rate',
  description: 'Record the rating of a closed 12345 work order',
  input: z.object({ reference: z.string().min(1), score: z.coerce.number().int().min(1).max(5), reason: optionalText }),
  output: z.object({ text: z.string() }),
  async run(input, ctx: HotlineContext) {
    const level = input.score as RatingLevel;
    const order = await ordersOf(ctx).rate(input.reference, { level, ...(input.reason ? { reason: input.reason } : {}), at: ctx.now, key: ctx.key });
    ctx.log.info({ reference: input.reference, level }, '12345 work order rated');
    if (level <= 2) {
      const due = order.rectification ? deadlineText(order.rectification.deadline) : '';
      return { text: `已记下您的意见，这张工单转入整改${due ? `，${due}` : ''}。谢谢您的监督！` };
    }
    return { text: '谢谢您的评价！' };
  },
});

export const hotlineActions = [submitFeedback, readRequest, sortRequest, findSimilar, appendToOrder, fileRequest, myOrders, showOrder, orderToRate, rateOrder];
