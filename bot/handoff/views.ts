import type { DeskConfig } from '../../flows/desk';
import type { Channel } from '../message';
import type { Pseudonymiser } from '../pseudonym';
import { maskDeep } from './mask';
import { queueScore, type HandoffCase, type Outcome, type Priority, type TranscriptEntry, type Trigger } from './model';

/** What the console shows of a case (lists, headers, events): masked, no resident identifier. */
export interface CaseSummary {
  id: string;
  v: number;
  status: HandoffCase['status'];
  team: string;
  teamName: string;
  priority: Priority;
  trigger: Trigger;
  reason: string;
  agent?: string;
  /** Who held it last (also after it ended). */
  lastAgent?: string;
  /** Who passed it on last (a transfer), so their console sees it leave. */
  transferredFrom?: string;
  channel: Channel;
  /** A stable pseudonym of the resident ("~abcdefgh"), never the OpenID. */
  resident: string;
  /** The service the bot was helping with, when one. */
  title?: string;
  createdAt: number;
  queuedAt: number;
  assignedAt?: number;
  firstResponseAt?: number;
  lastResidentAt: number;
  lastAgentAt?: number;
  endedAt?: number;
  outcome?: Outcome;
  /** Queue order (lower first). */
  order: number;
  /** The resident wrote since the agent's last reply. */
  unanswered: boolean;
  rating?: number;
  resolution?: string;
  workOrder?: string;
}

export const CHANNEL_LABELS: Record<Channel, string> = { 'wechat-mp': '公众号', wechaty: '企业微信', web: '网页模拟器', cli: '终端', test: '测试' };

export const TRIGGER_LABELS: Record<Trigger, string> = {
  asked: '居民要求',
  frustrated: '居民不满',
  menu: '菜单转人工',
  stuck: '反复填写失败',
  flow: '业务流程转人工',
  urgent: '紧急情况',
  'bad-rating': '差评回访',
};

export const OUTCOME_LABELS: Record<Outcome, string> = {
  'handed-back': '交回机器人',
  resolved: '已结束',
  cancelled: '居民取消',
  'resident-left': '居民离开',
  'resident-timeout': '居民超时未回复',
  'after-hours': '下班未接通',
};

export function caseSummary(c: HandoffCase, config: DeskConfig, pseudonym: Pseudonymiser): CaseSummary {
  const unanswered = c.status === 'agent' && c.lastResidentAt > (c.lastAgentAt ?? c.assignedAt ?? 0);
  return maskDeep({
    id: c.id,
    v: c.v,
    status: c.status,
    team: c.team,
    teamName: config.teams.find((t) => t.id === c.team)?.name ?? c.team,
    priority: c.priority,
    trigger: c.trigger,
    reason: c.reason,
    ...(c.agent ? { agent: c.agent } : {}),
    ...(c.lastAgent ? { lastAgent: c.lastAgent } : {}),
    ...(c.transfers.at(-1)?.from ? { transferredFrom: c.transfers.at(-1)!.from } : {}),
    channel: c.address.channel,
    resident: pseudonym(c.address.userId),
    ...(c.collected.title ? { title: c.collected.title } : {}),
    createdAt: c.createdAt,
    queuedAt: c.queuedAt,
    ...(c.assignedAt !== undefined ? { assignedAt: c.assignedAt } : {}),
    ...(c.firstResponseAt !== undefined ? { firstResponseAt: c.firstResponseAt } : {}),
    lastResidentAt: c.lastResidentAt,
    ...(c.lastAgentAt !== undefined ? { lastAgentAt: c.lastAgentAt } : {}),
    ...(c.endedAt !== undefined ? { endedAt: c.endedAt } : {}),
    ...(c.outcome ? { outcome: c.outcome } : {}),
    order: queueScore(c),
    unanswered,
    ...(c.rating ? { rating: c.rating.score } : {}),
    ...(c.resolution ? { resolution: c.resolution.summary, ...(c.resolution.workOrder ? { workOrder: c.resolution.workOrder } : {}) } : {}),
  });
}

/** A transcript line as the console shows it: masked; `maskable` says whether 显示 can reveal more. */
export interface EntryView extends TranscriptEntry {
  maskable: boolean;
}

export function entryView(e: TranscriptEntry): EntryView {
  const masked = maskDeep(e);
  return { ...masked, maskable: masked.text !== e.text };
}
