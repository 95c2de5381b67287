import type { SlotType } from '../../flows/schema';
import type { Understood } from './commands';

/**
 * What a reader of a message (offline or LLM) is told about the conversation: the message, the
 * question it may answer, the dialogue's other slots, what could be started instead, and the
 * catalogue services the search found. Plain data; nothing here is personal beyond `text`.
 */
export interface DialogueSnapshot {
  /** The resident's message, normalised (simplified, half-width, trimmed). */
  text: string;
  /** The dialogue in progress, if any. */
  dialogue?: {
    flow: { id: string; title: string };
    /** The question the dialogue is waiting on (an ask or a confirm step), as the resident read it. */
    question?: {
      stepId: string;
      kind: 'ask' | 'confirm';
      slot?: string;
      type?: SlotType;
      prompt: string;
      /** Choice options (a confirm step's too), by value. */
      options?: { value: string; label: string }[];
      /** A menu-like question: any request made here simply replaces it. */
      interruptible?: boolean;
      /** Whether the question's own parser takes the message as a valid answer (computed by the runtime). */
      accepts?: boolean;
    };
    /** Slots besides the question's that the message states (the engine would fill them). */
    fills?: string[];
    /** Slots a message may fill in this dialogue (the question's own and those not reached yet). */
    slots: { name: string; type: SlotType; filled: boolean; prompt: string }[];
  };
  /** Dialogues that can be started, by id. */
  flows: { id: string; title: string; description?: string }[];
  /** Catalogue services matching the message, best first (code, name, search score). */
  services: { code: string; name: string; score: number }[];
  /** What the search's evidence says of them: one clear match, several close ones, or none good enough. */
  servicesMatch?: 'single' | 'ambiguous' | 'none';
  /** Whether the message names what a service is about (a key object such as 身份证). */
  servicesNamed?: boolean;
}

/** A reading and who produced it; `reason` says why the offline reading was used instead of the LLM. */
export type Reading = Understood & { source: 'offline' | 'llm'; reason?: string };

/**
 * Reads a message in its conversation and returns commands. The offline interpreter is the
 * default; an LLM adapter (integrations/llm) implements the same port and falls back to the
 * offline one when late, invalid or unsure. Must honour `signal` (the turn's deadline).
 */
export interface Understanding {
  understand(snapshot: DialogueSnapshot, options?: { signal?: AbortSignal }): Promise<Reading>;
}
