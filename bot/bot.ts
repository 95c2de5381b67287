import type { InboundMessage, OutboundMessage } from './message';
import type { ConversationAddress } from './ports';

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
  /**
   * The bot takes a conversation back after its human session ended outside a turn (an agent
   * handed back or closed it, the resident went silent): in the conversation's own turn order,
   * once per case, it says how the service ended, resumes the pinned flow and asks for a
   * rating. Returns what to send the resident (the caller delivers it through the channel).
   */
  afterHandoff?(to: ConversationAddress, caseId: string): Promise<OutboundMessage[]>;
  /**
   * Tells the resident about their 12345 work order outside a turn (the reply when it is closed,
   * the one reminder to rate it): in the conversation's turn order, once per notice, it says
   * `text` and asks for the rating (flows/definitions/workorder-rating.yaml). Returns what to send.
   */
  afterWorkOrder?(to: ConversationAddress, notice: WorkOrderNotice): Promise<OutboundMessage[]>;
}

/** The flow that asks residents to rate a closed work order. */
export const WORKORDER_RATING_FLOW = 'workorder-rating';

export interface WorkOrderNotice {
  reference: string;
  /** `closed` and `reminder` ask for the rating; `extended` only tells the new date. */
  kind: 'closed' | 'reminder' | 'extended';
  text: string;
}
