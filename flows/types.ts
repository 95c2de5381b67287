import type { Lexicon } from './language/lexicon';

/**
 * Plain-data shapes the flow engine takes and returns. flows/ knows no bot and no channel: the
 * runtime adapts a turn to `EngineInput` and turns `FlowReply` into outbound messages.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Slots = Record<string, Json>;

/** A reply as the engine produces it; structurally a subset of the runtime's OutboundMessage. */
export type FlowReply =
  | { kind: 'text'; text: string }
  | { kind: 'choices'; text: string; options: { label: string; value?: string }[]; hint?: string };

/** What the engine is given for one step of progress. */
export type EngineInput =
  | { kind: 'text'; text: string }
  | { kind: 'location'; latitude: number; longitude: number; label?: string }
  | { kind: 'image'; url?: string; mediaId?: string }
  | { kind: 'action-result'; ok: true; output: Json }
  | { kind: 'action-result'; ok: false; error: string };

/**
 * One answered question and how to undo it: the slot values that answer (and the steps it led
 * to, such as actions) changed, as they were before. 返回 restores them and asks again.
 */
export interface HistoryEntry {
  step: string;
  /** Previous values of slots the answer changed (omitted when none). */
  restore?: Slots;
  /** Slots the answer created (omitted when none). */
  unset?: string[];
}

/** One running flow. The conversation's flow state is a stack of frames (sub-flows on top). */
export interface FlowFrame {
  flowId: string;
  version: number;
  stepId: string;
  slots: Slots;
  /** Failed answers to the current question. */
  attempts: number;
  /** Answered questions, newest last, for 返回/上一步 (bounded). */
  history: HistoryEntry[];
  /** Set while the frame waits for something other than an answer to its step. */
  waiting?: 'edit-pick' | 'action';
  /** After an edit chosen at a confirm step, come back to that step. */
  returnTo?: string;
  /** An answer whose consequences (actions) are still running; becomes a history entry then. */
  pending?: { step: string; before: Slots };
  /** Another dialogue was started on top of this one: say so when its question is asked again. */
  interrupted?: boolean;
  /** Values a message already gave for flows this one calls (by flow id), used when it calls them. */
  carry?: Record<string, Slots>;
}

/** An action the engine wants run; the runtime runs it and feeds back an `action-result`. */
export interface ActionRequest {
  action: string;
  input: Record<string, Json>;
  stepId: string;
  flowId: string;
}

/** Why the engine stopped. */
export type EngineOutcome =
  | { status: 'waiting' }
  | { status: 'action'; request: ActionRequest }
  | { status: 'done' }
  | { status: 'handoff'; reason: string };

export interface EngineResult {
  frames: FlowFrame[];
  replies: FlowReply[];
  outcome: EngineOutcome;
  /** Flows started during this call (started or called), in order: what the resident went through. */
  entered: string[];
  /**
   * Set when an ask step ran out of attempts without an `onMaxAttempts` step: the resident is
   * stuck there (the runtime may offer a person; the engine has said how to get help).
   */
  stuck?: { flowId: string; stepId: string };
}

/** Values the runtime provides to templates and parsers. */
export interface EngineContext {
  /** Epoch milliseconds (frozen in tests). */
  now: number;
  /** Time zone for dates, e.g. Asia/Shanghai. */
  timeZone: string;
  /** Read-only template variables such as `city`. */
  vars: Record<string, Json>;
  /** How residents talk (choices in words, negation, talk about the conversation); default: the shipped lexicon. */
  lexicon?: Lexicon;
}
