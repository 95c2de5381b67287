import { renderTemplate } from '../../flows/template';
import type { Json } from '../../flows/types';
import type { ChannelReach, ConversationAddress } from '../ports';
import { canSupervise, type StaffProfile } from '../staff/model';
import type { PresenceStatus } from './ports';
import type { HandoffDesk } from './desk';
import { maskText } from './mask';
import type { HandoffCase } from './model';
import { entryView, type CaseSummary, type EntryView } from './views';
import type { WorkOrderSummary } from './work-orders';

/** Who may see a case: supervisors every one; agents the queue of their teams, their own chats, and ended chats they held. */
export function canView(actor: StaffProfile, c: HandoffCase): boolean {
  if (canSupervise(actor.role)) return true;
  if (c.status === 'queued') return actor.teams.includes(c.team);
  if (c.status === 'agent') return c.agent === actor.username;
  return c.lastAgent === actor.username;
}

/** Words for slot names the shipped flows use; others show their name. */
const SLOT_LABELS: Record<string, string> = {
  name: '称呼',
  phone: '手机号',
  idNumber: '身份证号',
  contact: '联系方式',
  address: '地址',
  location: '位置',
  detail: '具体内容',
  topic: '类别',
  visitDate: '日期',
  hall: '大厅',
  photo: '照片',
  wantReply: '需要答复',
  message: '留言',
  service: '事项',
  query: '问题',
};

export interface SlotView {
  key: string;
  label: string;
  value: string;
  maskable: boolean;
}

/** A slot value as one line of text (raw). */
export function slotText(value: Json): string {
  if (value === null) return '（未填）';
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return value.map(slotText).join('、');
  return Object.entries(value)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${SLOT_LABELS[k] ?? k}：${slotText(v)}`)
    .join('；');
}

export function slotViews(c: HandoffCase): SlotView[] {
  return Object.entries(c.collected.slots).map(([key, value]) => {
    const raw = slotText(value);
    const shown = maskText(raw);
    return { key, label: SLOT_LABELS[key] ?? key, value: shown, maskable: shown !== raw };
  });
}

/** A slot value as the template variables of quick replies see it. */
function slotValue(slots: Record<string, Json>, key: string): Json | undefined {
  const direct = slots[key];
  if (direct !== undefined && direct !== null) return direct;
  const contact = slots['contact'];
  if (contact && typeof contact === 'object' && !Array.isArray(contact)) return contact[key] ?? undefined;
  return undefined;
}

export interface QuickReplyView {
  title: string;
  text: string;
}

/** The desk's quick replies filled with what the bot collected and the agent's name, masked like everything shown. */
export function quickReplies(desk: HandoffDesk, c: HandoffCase, actor: StaffProfile): QuickReplyView[] {
  const slots = c.collected.slots;
  const scope: Record<string, Json> = {
    ...(slotValue(slots, 'name') !== undefined ? { name: slotValue(slots, 'name')! } : {}),
    ...(slotValue(slots, 'phone') !== undefined ? { phone: slotValue(slots, 'phone')! } : {}),
    ...(c.collected.title ? { service: c.collected.title } : {}),
    agent: actor.displayName,
    team: desk.teamName(c.team),
  };
  return desk.config.quickReplies.map((q) => ({ title: q.title, text: maskText(renderTemplate(q.text, scope)) }));
}

/** Everything the console shows of one chat. */
export interface CaseDetail {
  case: CaseSummary;
  transcript: EntryView[];
  collected: SlotView[];
  quickReplies: QuickReplyView[];
  reach: ReachView;
  workOrders: { connected: boolean; list: WorkOrderSummary[]; error?: string };
  /** Whether this person may act on it (reply, transfer, close) now. */
  mine: boolean;
}

/** How a reply would reach the resident, in the console's words. */
export interface ReachView {
  mode: ChannelReach['mode'];
  label: string;
  detail?: string;
  remaining?: number;
  until?: number;
}

export function reachView(reach: ChannelReach): ReachView {
  switch (reach.mode) {
    case 'live':
      return { mode: 'live', label: '即时送达' };
    case 'window':
      return {
        mode: 'window',
        label: `微信客服消息：48小时窗口内还可发 ${reach.remaining} 条`,
        detail: reach.remaining <= 1 ? '额度快用完了：居民回复后会重新计算。需要主动通知居民，请结束会话并登记工单（工单回复以模板消息通知）。' : undefined,
        remaining: reach.remaining,
        until: reach.until,
      };
    case 'held':
      return {
        mode: 'held',
        label: '微信48小时客服窗口已关闭',
        detail: reach.template
          ? '现在发送的回复会等居民下次发消息时送达。需要主动通知，请结束会话并登记工单：工单回复以模板消息发送。'
          : '现在发送的回复会等居民下次发消息时送达（未配置模板消息）。需要主动联系，请登记工单并电话回访。',
      };
    case 'unreachable':
      return { mode: 'unreachable', label: '无法送达', detail: reach.why };
  }
}

export async function caseDetail(
  desk: HandoffDesk,
  c: HandoffCase,
  actor: StaffProfile,
  reach: ChannelReach,
): Promise<CaseDetail> {
  const [entries, orders] = await Promise.all([desk.deps.transcripts.read(c.address.conversationId, 200), residentOrders(desk, c.address)]);
  return {
    case: desk.summary(c),
    transcript: entries.map(entryView),
    collected: slotViews(c),
    quickReplies: quickReplies(desk, c, actor),
    reach: reachView(reach),
    workOrders: orders,
    mine: c.status === 'agent' && c.agent === actor.username,
  };
}

async function residentOrders(desk: HandoffDesk, address: ConversationAddress): Promise<CaseDetail['workOrders']> {
  const orders = desk.workOrders;
  if (!orders) return { connected: false, list: [] };
  try {
    return { connected: true, list: await orders.forResident(address, 10) };
  } catch (err) {
    desk.deps.logger.warn({ err }, 'work orders of the resident not listed');
    return { connected: true, list: [], error: '工单系统暂时无法访问' };
  }
}

/** Everything a console needs on (re)connect: who I am, the queue I serve, my chats, colleagues to transfer to. */
export async function consoleSnapshot(desk: HandoffDesk, actor: StaffProfile): Promise<ConsoleSnapshot> {
  const now = desk.now();
  const [active, marks, accounts] = await Promise.all([desk.deps.store.active(), desk.deps.presence.list(now), desk.deps.staff.list()]);
  const visible = active.filter((c) => canView(actor, c));
  const status = (u: string) => marks.find((m) => m.agent === u)?.status ?? 'offline';
  const loadOf = (u: string) => active.filter((c) => c.status === 'agent' && c.agent === u).length;
  return {
    now,
    me: { username: actor.username, displayName: actor.displayName, role: actor.role, teams: actor.teams, capacity: actor.capacity, load: loadOf(actor.username), status: status(actor.username) },
    queue: visible.filter((c) => c.status === 'queued').map((c) => desk.summary(c)),
    mine: visible.filter((c) => c.status === 'agent' && c.agent === actor.username).map((c) => desk.summary(c)),
    others: canSupervise(actor.role) ? visible.filter((c) => c.status === 'agent' && c.agent !== actor.username).map((c) => desk.summary(c)) : [],
    teams: desk.config.teams.map((t) => ({ id: t.id, name: t.name, open: desk.isOpen(t.id, now) })),
    colleagues: accounts
      .filter((a) => !a.disabled && a.username !== actor.username)
      .map((a) => ({ username: a.username, displayName: a.displayName, teams: a.teams, status: status(a.username), load: loadOf(a.username), capacity: a.capacity })),
    workOrders: desk.workOrders !== undefined,
  };
}

export interface ConsoleSnapshot {
  now: number;
  me: { username: string; displayName: string; role: string; teams: string[]; capacity: number; load: number; status: PresenceStatus | 'offline' };
  queue: CaseSummary[];
  mine: CaseSummary[];
  /** Supervisors: chats other agents hold. */
  others: CaseSummary[];
  teams: { id: string; name: string; open: boolean }[];
  colleagues: { username: string; displayName: string; teams: string[]; status: PresenceStatus | 'offline'; load: number; capacity: number }[];
  /** Whether work orders are connected (closing with a work order). */
  workOrders: boolean;
}
