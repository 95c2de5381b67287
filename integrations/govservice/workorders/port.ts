import type { Json } from '../../../flows/types';
import type { ConversationAddress } from '../../../bot/ports';
import type { TimeLimit } from '../calendar/limits';

/**
 * 12345 work orders (工单): what residents file through the 12345 flow, agents open from chats,
 * and departments carry through the national lifecycle to a rated close.
 *
 * The built-in backend keeps orders in Redis (memory for the embedded default); with a city
 * platform configured, every change is also queued in an outbox and delivered to it
 * (docs/workorder-platform.md). Every write is idempotent per `key`.
 */

/** 诉求类型. */
export const REQUEST_TYPES = ['投诉', '举报', '求助', '咨询', '建议', '表扬'] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

/**
 * The lifecycle (GB/T 33358 and 国办发〔2020〕53号 terms):
 * 受理 → 派单 → 办理 → 答复 → 办结 → 回访 → 评价, with 督办 while overdue, 退单 back to 受理
 * for 改派, and 整改 after a bad rating (back to 办理 until answered again).
 */
export const WORK_ORDER_STATUSES = ['受理', '派单', '办理', '答复', '办结', '回访', '评价', '整改'] as const;
export type WorkOrderStatus = (typeof WORK_ORDER_STATUSES)[number];

/** The five levels of 好差评, worst first as stored values 1–5. */
export const RATING_LEVELS = ['非常不满意', '不满意', '基本满意', '满意', '非常满意'] as const;
export type RatingLevel = 1 | 2 | 3 | 4 | 5;

/** Sync with the city platform, beside the lifecycle. `local`: no platform configured. */
export type SyncState = 'local' | '待同步' | '已同步' | '同步失败';

export interface Actor {
  kind: 'resident' | 'agent' | 'department' | 'system' | 'platform';
  /** Agent username, department name, … (never a resident's identity). */
  name?: string;
}

/** One line of the append-only history. */
export interface HistoryEntry {
  at: number;
  actor: Actor;
  from?: WorkOrderStatus;
  to: WorkOrderStatus;
  /** 改派的理由, the reply's text, a note: in plain words. */
  reason?: string;
  /** Idempotency key of the write that made it. */
  key: string;
}

export interface WorkOrderLocation {
  /** What the resident wrote (地址), or the shared location's label. */
  text?: string;
  lat?: number;
  lng?: number;
}

export interface WorkOrderDeadline {
  /** Epoch ms. */
  dueAt: number;
  /** Shown to residents (e.g. 12月8日). */
  dueDate: string;
  /** `reply`: 答复时限; `rectify`: 整改时限. */
  kind: 'reply' | 'rectify';
  /** The time-limit table version that produced it. */
  tableVersion: string;
  /** False when a day it depends on is not yet confirmed by the calendar (show 预计). */
  confirmed: boolean;
  /** The rule allows an extension (可依规延期); false once extended. */
  extendable: boolean;
  /** What it was counted from, so a pause or an extension can count it again. */
  basis?: { limit: TimeLimit; from: number };
  /** Stretches when the clock stood still (waiting for the resident's 补充, …); an open one has no `to`. */
  pauses?: { from: number; to?: number; reason: string }[];
  /** 依规延期: working days added after the limit, with the reason the resident is told. */
  extension?: { workdays: number; reason: string; at: number; toldAt?: number };
}

/** What filing asks for. */
export interface WorkOrderFiling {
  /** Idempotency key (the action's key: message + flow + step; or a console action's). */
  key: string;
  address: ConversationAddress;
  type: RequestType;
  /** A path in the category tree, e.g. ['城市管理', '占道经营']. */
  category: string[];
  urgent: boolean;
  /** One line: what it is about. */
  title: string;
  /** What happened, in the resident's own words. */
  description: string;
  location?: WorkOrderLocation;
  /** When it happened, as the resident said it or as an ISO date. */
  happenedAt?: string;
  photos: { url?: string; mediaId?: string }[];
  contact: { name?: string; phone?: string };
  /** 匿名 (reports only): no name or phone kept; no reply can reach them but the chat. */
  anonymous: boolean;
  /** The resident agrees to a follow-up call (回访). */
  callbackConsent: boolean;
  /** `resident`: the 12345 flow; `chat`: an agent from a chat; `callback`: a message left after hours. */
  source: 'resident' | 'chat' | 'callback';
  /** The conversation, oldest first (never agents' private notes). */
  transcript: { at: number; from: 'resident' | 'bot' | 'agent' | 'system'; text: string }[];
  /** What the bot had collected, as it was. */
  fields: Record<string, Json>;
  /** Promised callback (after-hours messages). */
  callbackBy?: number;
  caseId?: string;
  openedBy: Actor;
  at: number;
}

export interface WorkOrder {
  /** GD… (bot/references.ts). */
  reference: string;
  status: WorkOrderStatus;
  /** 督办: past its deadline and not yet answered. */
  supervised: boolean;
  filing: Omit<WorkOrderFiling, 'key'>;
  /** 承办单位 (lead) and 协办单位 (supporting), once dispatched. */
  departments: { lead?: string; supporting: string[] };
  deadline?: WorkOrderDeadline;
  /** The department's reply (答复), when there is one. */
  reply?: { text: string; at: number; by: string };
  /** The resident's additions (补充), oldest first. */
  additions: { text: string; at: number }[];
  rating?: { level: RatingLevel; reason?: string; at: number; appeal?: { by: string; reason: string; at: number; outcome?: 'upheld' | 'overturned' } };
  /** The rating invitation: sent once per closed order, at most one reminder. */
  invitation?: { sentAt: number; remindedAt?: number };
  /** 整改 after a bad rating. */
  rectification?: { owner: string; deadline: WorkOrderDeadline; openedAt: number; doneAt?: number };
  /** `platformSeq`: the city platform's sequence number of the last status update applied (older ones are ignored). */
  sync: { state: SyncState; attempts: number; lastError?: string; at?: number; platformSeq?: number };
  history: HistoryEntry[];
  openedAt: number;
  updatedAt: number;
}

/** A move through the lifecycle; refused (WorkOrderTransitionError) when the machine does not allow it. */
export type WorkOrderTransition =
  | { to: '派单'; lead: string; supporting?: string[] }
  | { to: '受理'; reason: string } // 退单 (for 改派)
  | { to: '办理' }
  | { to: '答复'; reply: string }
  | { to: '办结'; reply?: string }
  | { to: '回访'; note?: string }
  | { to: '整改'; owner: string };

export class WorkOrderTransitionError extends Error {
  constructor(
    readonly reference: string,
    readonly from: WorkOrderStatus,
    readonly to: WorkOrderStatus,
    why: string,
  ) {
    super(`work order ${reference}: ${from} → ${to} refused: ${why}`);
    this.name = 'WorkOrderTransitionError';
  }
}

/** Stable key of a resident across their conversations: `channel:userId`. */
export const residentKeyOf = (a: Pick<ConversationAddress, 'channel' | 'userId'>): string => `${a.channel}:${a.userId}`;

/**
 * What happens to work orders, told to the bot so the resident hears of it: the reply with the
 * 好差评 invitation when an order is closed, a reminder of the invitation once.
 */
export interface WorkOrderEvents {
  closed(order: WorkOrder): Promise<void>;
  ratingReminder(order: WorkOrder): Promise<void>;
  /** The deadline was extended (依规延期): the resident is told the new date and why. */
  extended?(order: WorkOrder): Promise<void>;
}

/** The ticketing port. */
export interface WorkOrders {
  /**
   * Files a new order under a new GD number, with its deadline from the time-limit table, and
   * queues it for the city platform in the same atomic step. Idempotent per `key`.
   */
  file(filing: WorkOrderFiling): Promise<WorkOrder>;
  get(reference: string): Promise<WorkOrder | undefined>;
  /** The resident's orders, newest first. */
  listByResident(residentKey: string, limit: number): Promise<WorkOrder[]>;
  /** An open order of the resident close to this one (same place or similar words), to add to instead. */
  findSimilarOpen(residentKey: string, probe: { description: string; location?: WorkOrderLocation; type: RequestType }): Promise<WorkOrder | undefined>;
  /** The resident adds to an open order (补充). */
  append(reference: string, addition: { text: string; at: number; key: string; actor: Actor }): Promise<WorkOrder>;
  transition(reference: string, move: WorkOrderTransition & { actor: Actor; at: number; key: string }): Promise<WorkOrder>;
  /** The resident's rating; 1–2 need a reason and open 整改. Once per closed order. */
  rate(reference: string, rating: { level: RatingLevel; reason?: string; at: number; key: string }): Promise<WorkOrder>;
  /** The clock stops (e.g. waiting for the resident's 补充); the deadline moves when it resumes. */
  hold(reference: string, hold: { reason: string; actor: Actor; at: number; key: string }): Promise<WorkOrder>;
  /** The clock runs again: the deadline is counted again without the paused working days. */
  resume(reference: string, resume: { actor: Actor; at: number; key: string }): Promise<WorkOrder>;
  /** 依规延期, once, where the time-limit table allows it; the resident is told. */
  extend(reference: string, extension: { workdays: number; reason: string; actor: Actor; at: number; key: string }): Promise<WorkOrder>;
  /** The department appeals a rating (申诉复核). */
  appeal(reference: string, appeal: { by: string; reason: string; at: number; key: string }): Promise<WorkOrder>;
  /** For operators: by status, overdue, in 整改, newest first. */
  list(filter: { status?: WorkOrderStatus; overdue?: boolean; rectification?: boolean; at: number; limit: number }): Promise<WorkOrder[]>;
}
