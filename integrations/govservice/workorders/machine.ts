import type { Actor, HistoryEntry, RatingLevel, WorkOrder, WorkOrderDeadline, WorkOrderFiling, WorkOrderStatus, WorkOrderTransition } from './port';
import { WorkOrderTransitionError } from './port';

/**
 * The work-order lifecycle as pure functions: each takes an order and a keyed write and returns
 * the order after it, with one or more history entries carrying the write's key. A key already in
 * the history returns the order unchanged (a retried write); a move the lifecycle does not allow
 * throws WorkOrderTransitionError. Stores persist what these return.
 */

/** Labels residents and the console see. */
export const STATUS_LABELS: Record<WorkOrderStatus, string> = {
  受理: '已受理',
  派单: '已派单',
  办理: '办理中',
  答复: '已答复',
  办结: '已办结',
  回访: '已回访',
  评价: '已评价',
  整改: '整改中',
};

/** Answered or past it: the reply deadline no longer runs. */
const ANSWERED: ReadonlySet<WorkOrderStatus> = new Set(['答复', '办结', '回访', '评价']);
/** Closed (办结 and after): rated or to be rated. */
const CLOSED: ReadonlySet<WorkOrderStatus> = new Set(['办结', '回访', '评价']);

export const isClosed = (o: Pick<WorkOrder, 'status'>): boolean => CLOSED.has(o.status);
/** Still being handled (整改 included). */
export const isOpen = (o: Pick<WorkOrder, 'status'>): boolean => !CLOSED.has(o.status);
export const inRectification = (o: Pick<WorkOrder, 'status' | 'rectification'>): boolean => o.status === '整改' || (!!o.rectification && o.rectification.doneAt === undefined);

/** The deadline in force: 整改's while one is open, else the reply deadline until answered. */
export function deadlineInForce(o: Pick<WorkOrder, 'status' | 'deadline' | 'rectification'>): WorkOrderDeadline | undefined {
  if (o.rectification && o.rectification.doneAt === undefined) return o.rectification.deadline;
  return ANSWERED.has(o.status) ? undefined : o.deadline;
}

export function isOverdue(o: Pick<WorkOrder, 'status' | 'deadline' | 'rectification'>, at: number): boolean {
  const d = deadlineInForce(o);
  return d !== undefined && !isPaused(d) && at >= d.dueAt;
}

/** The clock stands still: a pause without its end. */
export const isPaused = (d: WorkOrderDeadline | undefined): boolean => !!d?.pauses?.some((p) => p.to === undefined);

export class WorkOrderNotFoundError extends Error {
  constructor(readonly reference: string) {
    super(`no work order ${reference}`);
    this.name = 'WorkOrderNotFoundError';
  }
}

const hasKey = (o: WorkOrder, key: string) => o.history.some((h) => h.key === key);

function entry(o: WorkOrder, to: WorkOrderStatus, actor: Actor, at: number, key: string, reason?: string): HistoryEntry {
  return { at, actor, from: o.status, to, key, ...(reason !== undefined ? { reason } : {}) };
}

function moved(o: WorkOrder, entries: HistoryEntry[], changes: Partial<WorkOrder>, at: number): WorkOrder {
  const last = entries[entries.length - 1];
  return { ...o, ...changes, status: last ? last.to : o.status, history: [...o.history, ...entries], updatedAt: Math.max(o.updatedAt, at) };
}

/** A new order under `reference`, 受理 now. Anonymous reports keep no name or phone. */
export function fileOrder(reference: string, filing: WorkOrderFiling, deadline: WorkOrderDeadline | undefined, platform: boolean): WorkOrder {
  const { key, ...kept } = filing;
  const stored = filing.anonymous ? { ...kept, contact: {} } : kept;
  return {
    reference,
    status: '受理',
    supervised: false,
    filing: stored,
    departments: { supporting: [] },
    ...(deadline ? { deadline } : {}),
    additions: [],
    sync: { state: platform ? '待同步' : 'local', attempts: 0 },
    history: [{ at: filing.at, actor: filing.openedBy, to: '受理', key }],
    openedAt: filing.at,
    updatedAt: filing.at,
  };
}

type Keyed<T> = T & { actor: Actor; at: number; key: string };

const refuse = (o: WorkOrder, to: WorkOrderStatus, why: string) => new WorkOrderTransitionError(o.reference, o.status, to, why);

/** One move through the lifecycle. */
export function transition(o: WorkOrder, move: Keyed<WorkOrderTransition>, rectify: RectifyDeadline): WorkOrder {
  if (hasKey(o, move.key)) return o;
  const { actor, at, key } = move;
  const from = o.status;
  switch (move.to) {
    case '派单': {
      if (from !== '受理') throw refuse(o, move.to, 'only an accepted order is dispatched');
      if (!move.lead.trim()) throw refuse(o, move.to, 'a lead department (承办单位) is needed');
      return moved(o, [entry(o, '派单', actor, at, key, move.lead)], { departments: { lead: move.lead, supporting: move.supporting ?? [] } }, at);
    }
    case '受理': {
      if (from !== '派单' && from !== '办理') throw refuse(o, move.to, '退单 only from 派单 or 办理');
      if (!move.reason.trim()) throw refuse(o, move.to, '退单 needs a reason');
      return moved(o, [entry(o, '受理', actor, at, key, move.reason)], { departments: { supporting: [] } }, at);
    }
    case '办理': {
      if (from !== '派单' && from !== '整改') throw refuse(o, move.to, 'handling starts after 派单 (or again in 整改)');
      return moved(o, [entry(o, '办理', actor, at, key)], {}, at);
    }
    case '答复': {
      if (from !== '办理' && from !== '整改') throw refuse(o, move.to, 'a reply comes while the order is handled');
      return answer(o, move.reply, actor, at, key, []);
    }
    case '办结': {
      if (from === '答复') return moved(o, [entry(o, '办结', actor, at, key, move.reply)], move.reply ? { reply: replyOf(move.reply, actor, at) } : {}, at);
      if (from === '受理' || from === '派单' || from === '办理') {
        // 表扬 needs no reply; any other order is closed with its reply in the same step (直接答复).
        if (o.filing.type === '表扬' && !move.reply) return moved(o, [entry(o, '办结', actor, at, key)], { supervised: false }, at);
        if (!move.reply?.trim()) throw refuse(o, move.to, 'closing an unanswered order needs the reply');
        const answered = answer(o, move.reply, actor, at, key, []);
        return moved(answered, [entry(answered, '办结', actor, at, key)], {}, at);
      }
      throw refuse(o, move.to, 'only an answered order is closed');
    }
    case '回访': {
      if (from !== '办结') throw refuse(o, move.to, 'the follow-up call comes after 办结');
      return moved(o, [entry(o, '回访', actor, at, key, move.note)], {}, at);
    }
    case '整改': {
      if (!CLOSED.has(from)) throw refuse(o, move.to, '整改 follows a closed order');
      if (inRectification(o)) throw refuse(o, move.to, '整改 is already open');
      return openRectification(o, move.owner, actor, at, key, rectify(at));
    }
  }
}

const replyOf = (text: string, actor: Actor, at: number) => ({ text, at, by: actor.name ?? actor.kind });

function answer(o: WorkOrder, text: string, actor: Actor, at: number, key: string, extra: HistoryEntry[]): WorkOrder {
  if (!text.trim()) throw refuse(o, '答复', 'the reply is empty');
  const rectification = o.rectification && o.rectification.doneAt === undefined ? { ...o.rectification, doneAt: at } : o.rectification;
  return moved(o, [...extra, entry(o, '答复', actor, at, key, text)], { reply: replyOf(text, actor, at), supervised: false, ...(rectification ? { rectification } : {}) }, at);
}

/** The deadline of a new 整改, from the time-limit table. */
export type RectifyDeadline = (at: number) => WorkOrderDeadline;

function openRectification(o: WorkOrder, owner: string, actor: Actor, at: number, key: string, deadline: WorkOrderDeadline, reason?: string): WorkOrder {
  if (!owner.trim()) throw refuse(o, '整改', 'an owner is needed');
  return moved(o, [entry(o, '整改', actor, at, key, reason)], { rectification: { owner, deadline, openedAt: at } }, at);
}

/**
 * The resident's 好差评: once per closed order (办结 or 回访). 3–5 → 评价; 1–2 need a reason and
 * open 整改, owned by the lead department, with its own deadline.
 */
export function rate(o: WorkOrder, r: { level: RatingLevel; reason?: string; at: number; key: string }, rectify: RectifyDeadline): WorkOrder {
  if (hasKey(o, r.key)) return o;
  if (o.rating) throw refuse(o, '评价', 'the order is rated already');
  if (o.status !== '办结' && o.status !== '回访') throw refuse(o, '评价', 'only a closed order is rated');
  if (!Number.isInteger(r.level) || r.level < 1 || r.level > 5) throw refuse(o, '评价', 'the level is 1 to 5');
  const reason = r.reason?.trim();
  if (r.level <= 2 && !reason) throw refuse(o, '评价', 'a bad rating needs its reason');
  const actor: Actor = { kind: 'resident' };
  const rating = { level: r.level, ...(reason ? { reason } : {}), at: r.at };
  const rated = moved(o, [entry(o, '评价', actor, r.at, r.key, reason)], { rating }, r.at);
  if (r.level > 2) return rated;
  const owner = o.departments.lead ?? '12345热线';
  return openRectification(rated, owner, { kind: 'system' }, r.at, r.key, rectify(r.at), reason);
}

/** The department's 申诉复核 of a rating, recorded once. */
export function appeal(o: WorkOrder, a: { by: string; reason: string; at: number; key: string }): WorkOrder {
  if (hasKey(o, a.key)) return o;
  if (!o.rating) throw refuse(o, o.status, 'there is no rating to appeal');
  if (o.rating.appeal) throw refuse(o, o.status, 'the rating is under appeal already');
  if (!a.reason.trim() || !a.by.trim()) throw refuse(o, o.status, 'an appeal needs the department and its reason');
  const actor: Actor = { kind: 'department', name: a.by };
  return moved(o, [entry(o, o.status, actor, a.at, a.key, `申诉复核：${a.reason}`)], { rating: { ...o.rating, appeal: { by: a.by, reason: a.reason, at: a.at } } }, a.at);
}

/** The resident's 补充 to an open order. */
export function append(o: WorkOrder, a: { text: string; at: number; key: string; actor: Actor }): WorkOrder {
  if (hasKey(o, a.key)) return o;
  if (!isOpen(o)) throw refuse(o, o.status, 'additions go to open orders');
  if (!a.text.trim()) throw refuse(o, o.status, 'the addition is empty');
  return moved(o, [entry(o, o.status, a.actor, a.at, a.key, `补充：${a.text}`)], { additions: [...o.additions, { text: a.text, at: a.at }] }, a.at);
}

/** 督办: marks an overdue, unanswered order (the sweep's write); no change when not overdue or marked already. */
export function supervise(o: WorkOrder, at: number, key: string): WorkOrder {
  if (hasKey(o, key) || o.supervised || !isOverdue(o, at)) return o;
  return moved(o, [entry(o, o.status, { kind: 'system' }, at, key, '督办：已超过办理时限')], { supervised: true }, at);
}

/** Counts a deadline again from its basis (pauses, extension): the time-limit table's `recount`. */
export type RecountDeadline = (d: WorkOrderDeadline) => WorkOrderDeadline;

function clockOf(o: WorkOrder, to: WorkOrderStatus): WorkOrderDeadline {
  const d = deadlineInForce(o);
  if (!isOpen(o) || !d) throw refuse(o, to, 'only an open order with a deadline has a clock');
  if (!d.basis) throw refuse(o, to, 'this deadline was stamped before pauses and extensions were kept');
  return d;
}

/** Writes the deadline in force back where it came from (the reply's, or the 整改's). */
function withDeadline(o: WorkOrder, d: WorkOrderDeadline): Partial<WorkOrder> {
  return o.rectification && o.rectification.doneAt === undefined ? { rectification: { ...o.rectification, deadline: d } } : { deadline: d };
}

/** The clock stops (暂停计时), e.g. while the department waits for the resident's 补充. */
export function hold(o: WorkOrder, h: { reason: string; actor: Actor; at: number; key: string }): WorkOrder {
  if (hasKey(o, h.key)) return o;
  const d = clockOf(o, o.status);
  if (isPaused(d)) throw refuse(o, o.status, 'the clock is stopped already');
  if (!h.reason.trim()) throw refuse(o, o.status, 'stopping the clock needs its reason');
  const paused = { ...d, pauses: [...(d.pauses ?? []), { from: h.at, reason: h.reason }] };
  return moved(o, [entry(o, o.status, h.actor, h.at, h.key, `暂停计时：${h.reason}`)], withDeadline(o, paused), h.at);
}

/** The clock runs again: the deadline is counted anew without the stopped stretch. */
export function resume(o: WorkOrder, r: { actor: Actor; at: number; key: string }, recount: RecountDeadline): WorkOrder {
  if (hasKey(o, r.key)) return o;
  const d = clockOf(o, o.status);
  if (!isPaused(d)) throw refuse(o, o.status, 'the clock is running');
  const counted = recount({ ...d, pauses: (d.pauses ?? []).map((p) => (p.to === undefined ? { ...p, to: Math.max(r.at, p.from) } : p)) });
  return moved(o, [entry(o, o.status, r.actor, r.at, r.key, `恢复计时，时限顺延至${counted.dueDate}`)], withDeadline(o, counted), r.at);
}

/** 依规延期: once, where the table allows it, with the reason the resident is told. */
export function extend(o: WorkOrder, e: { workdays: number; reason: string; actor: Actor; at: number; key: string }, recount: RecountDeadline): WorkOrder {
  if (hasKey(o, e.key)) return o;
  const d = clockOf(o, o.status);
  if (!d.extendable) throw refuse(o, o.status, d.extension ? 'the deadline was extended already' : 'the time-limit table allows no extension here');
  if (!Number.isInteger(e.workdays) || e.workdays < 1 || e.workdays > 30) throw refuse(o, o.status, 'an extension is 1 to 30 working days');
  if (!e.reason.trim()) throw refuse(o, o.status, 'an extension needs its reason');
  const counted = recount({ ...d, extendable: false, extension: { workdays: e.workdays, reason: e.reason, at: e.at } });
  return moved(o, [entry(o, o.status, e.actor, e.at, e.key, `依规延期${e.workdays}个工作日至${counted.dueDate}：${e.reason}`)], { ...withDeadline(o, counted), supervised: false }, e.at);
}
