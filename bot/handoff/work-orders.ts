import { z } from 'zod';
import type { Json } from '../../flows/types';
import type { ConversationAddress } from '../ports';

/**
 * What the human-agent desk needs from the 12345 work orders (issue 12's ticketing port): opening
 * one from a chat, the resident's orders beside the chat, updating or closing one with the agent's
 * resolution, and the orders a supervisor must chase. The desk never keeps work orders itself;
 * `composeBot({ workOrders })` binds this port to the ticketing module. Without a binding the
 * console says work orders are not connected and the after-hours message falls back to 12345.
 */
export interface WorkOrderDesk {
  /**
   * Opens a work order from a chat and returns it with its reference (GD…). Idempotent per
   * `key`: the same key (a retried message, a double click) returns the same order.
   */
  open(input: WorkOrderOpen): Promise<WorkOrderSummary>;
  /** The resident's work orders, newest first (at most `limit`). */
  forResident(address: ConversationAddress, limit: number): Promise<WorkOrderSummary[]>;
  /**
   * Adds the agent's resolution to an order; with `close` the order is 办结 (and the resident
   * is invited to rate it by the ticketing module), otherwise it stays open with a note.
   */
  resolve(reference: string, input: WorkOrderResolve): Promise<WorkOrderSummary>;
  /** Orders past their deadline, and orders in 整改 after a bad rating: the supervisor's list. */
  attention(at: number): Promise<{ overdue: WorkOrderSummary[]; rectification: WorkOrderSummary[] }>;
}

/** 12345 request types (诉求类型). */
export const WORK_ORDER_CATEGORIES = ['咨询', '求助', '投诉', '举报', '建议', '表扬'] as const;
export const WorkOrderCategorySchema = z.enum(WORK_ORDER_CATEGORIES);
export type WorkOrderCategory = z.infer<typeof WorkOrderCategorySchema>;

export interface WorkOrderOpen {
  /** Idempotency key (the message's or the console action's). */
  key: string;
  /** `callback`: a message left after hours, to be called back by `callbackBy`; `chat`: opened by an agent from a chat. */
  source: 'callback' | 'chat';
  address: ConversationAddress;
  category: WorkOrderCategory;
  /** One line: what it is about. */
  title: string;
  /** What the resident asked for, in their words (or the agent's summary). */
  description: string;
  contact: { name?: string; phone?: string };
  /** What the bot had collected (slots of the flow in progress), as they were. */
  fields: Record<string, Json>;
  /** The conversation (residents', bot's and agents' messages; never agents' private notes), oldest first. */
  transcript: { at: number; from: 'resident' | 'bot' | 'agent' | 'system'; text: string }[];
  /** The promised callback (after-hours messages): working time from the team's hours. */
  callbackBy?: number;
  /** The human session it came from, when one. */
  caseId?: string;
  openedBy: { kind: 'resident' } | { kind: 'agent'; username: string };
  at: number;
}

export interface WorkOrderResolve {
  resolution: string;
  close: boolean;
  by: string;
  at: number;
  /** Idempotency key of the console action. */
  key: string;
}

/** A work order as the console lists it. */
export interface WorkOrderSummary {
  reference: string;
  /** The ticketing module's status label, e.g. 已受理, 办理中, 已办结, 整改中. */
  status: string;
  title: string;
  category?: WorkOrderCategory;
  openedAt: number;
  /** The deadline in force (reply or completion), when one. */
  dueAt?: number;
  overdue: boolean;
  /** In 整改 after a bad rating. */
  rectification: boolean;
  closed: boolean;
}
