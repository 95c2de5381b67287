import type { InboundMessage, OutboundMessage } from './message';

/** A named side effect a turn produced (an action the flow ran), for tests and audit. */
export interface EffectRecord {
  action: string;
  input: Record<string, unknown>;
  ok: boolean;
}

/** What one inbound message produced. The channel delivers `replies`; nothing else does I/O to the resident. */
export interface TurnResult {
  replies: OutboundMessage[];
  effects: EffectRecord[];
  /** True when the message id was already handled (a platform retry): nothing ran. */
  duplicate: boolean;
  /** Flows the turn went into (started or called), in order: for tests and analytics. */
  flows?: string[];
}

/** The runtime as channels see it. */
export interface Bot {
  handle(message: InboundMessage): Promise<TurnResult>;
}
