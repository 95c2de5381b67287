import type { Json } from '../../flows/types';
import type { HandoffEvent, TransitionError } from './machine';
import type { HandoffCase, TranscriptEntry } from './model';

/**
 * Ports of the human-agent desk. Each has a memory implementation (bot/handoff/memory.ts, one
 * instance) and a Redis one (integrations/redis/handoff-*.ts, any number of instances); one
 * contract suite (test/contract/handoff.contract.ts) runs against both.
 */

export type StoreError = TransitionError | 'not-found' | 'over-capacity' | 'conflict';
export type StoreResult = { ok: true; case: HandoffCase } | { ok: false; error: StoreError; message: string };

/**
 * The cases of human sessions and the live queue. Every change is the state machine's
 * (`transition`), applied atomically to the stored case: two agents pressing 接入 at once, or an
 * agent closing while the resident cancels, leave exactly one of them applied and the other
 * refused. One active case per conversation.
 */
export interface HandoffStore {
  /**
   * Opens `c` (status queued) unless its conversation has an active case: then that one comes
   * back with `created: false`. Opening an id that exists (a retry) returns it unchanged.
   */
  open(c: HandoffCase): Promise<{ created: boolean; case: HandoffCase }>;
  get(id: string): Promise<HandoffCase | undefined>;
  /** The conversation's active case, if any. */
  activeFor(conversationId: string): Promise<HandoffCase | undefined>;
  /**
   * Applies `event` to the stored case through the state machine. `capacity`: when the case
   * would gain an owner, refused with `over-capacity` if that agent already holds this many.
   */
  apply(id: string, event: HandoffEvent, options?: { capacity?: number }): Promise<StoreResult>;
  /** Every active case: the queue in order (urgent first, then first come first served), then the assigned ones. */
  active(): Promise<HandoffCase[]>;
  /** Cases that ended at or after `since`, newest first. */
  ended(since: number, limit: number): Promise<HandoffCase[]>;
  /** How many chats `agent` holds now. */
  load(agent: string): Promise<number>;
}

/**
 * The conversation as agents read it: residents' messages, the bot's replies, agents' replies
 * and private notes, bounded per conversation and kept for a retention period; erased with the
 * conversation. Raw text (masked on every way out, revealed only on an audited request).
 */
export interface TranscriptStore {
  append(conversationId: string, entries: TranscriptEntry[]): Promise<void>;
  /** The newest `limit` entries, oldest first. */
  read(conversationId: string, limit?: number): Promise<TranscriptEntry[]>;
  erase(conversationId: string): Promise<void>;
}

/** One event of the desk's live stream, already masked. Ids grow (Redis Stream ids, `ms-seq`). */
export interface DeskEvent {
  id: string;
  type: 'case' | 'message' | 'offer' | 'agents';
  /** The case it concerns (who may see it follows from the case). */
  caseId?: string;
  /** The agent it is for (offers), else everyone allowed to see the case. */
  agent?: string;
  data: Json;
}

/**
 * The desk's event stream, shared by every instance (a Redis Stream): what changed, in order,
 * with ids a console that reconnects can resume from (`Last-Event-ID`).
 */
export interface DeskEventLog {
  publish(event: Omit<DeskEvent, 'id'>): Promise<string>;
  /** Events after `id`, oldest first; undefined when `id` is older than what is kept (send a snapshot instead). */
  after(id: string, limit: number): Promise<DeskEvent[] | undefined>;
  /** The newest event id (a snapshot's position), or '0-0'. */
  last(): Promise<string>;
  /** Every event published by any instance, as it comes; returns the unsubscribe. */
  subscribe(listener: (event: DeskEvent) => void): () => void;
  close(): Promise<void>;
}

export type PresenceStatus = 'online' | 'away';
export interface PresenceMark {
  agent: string;
  status: PresenceStatus;
  /** The mark lapses then unless renewed (an open console renews it). */
  until: number;
}

/** Which agents are at their console: online (takes chats) or away (keeps their chats, gets no offers). */
export interface AgentPresence {
  set(mark: PresenceMark): Promise<void>;
  remove(agent: string): Promise<void>;
  /** Marks that have not lapsed at `now`. */
  list(now: number): Promise<PresenceMark[]>;
}

export type { HandoffCase, TranscriptEntry };
