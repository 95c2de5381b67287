import type { Logger } from './logger';
import type { EffectRecord } from './bot';
import type { InboundMessage, OutboundMessage } from './message';
import type { RecordWrite } from './ports';
import type { Session } from './session';

/** One inbound message on its way through the pipeline. Only the channel does I/O to the resident. */
export interface Turn {
  readonly message: InboundMessage;
  /** Normalised text of text and recognised-voice messages (simplified, half-width, trimmed). */
  text?: string;
  readonly now: number;
  log: Logger;
  /** Loaded by the session stage; written back after the turn unless it threw. */
  session: Session;
  /** Set by stages that erase the conversation's data: the session is deleted, not written. */
  forget: boolean;
  readonly replies: OutboundMessage[];
  readonly effects: EffectRecord[];
  /** Flows the turn entered, in order. */
  readonly entered: string[];
  /** Records the turn files (a suggestion): created with the session write, both or neither. */
  readonly records: RecordWrite[];
  /** Work to do once the turn's writes are applied (e.g. putting a handed-over chat in the queue); skipped if they were not. */
  readonly afterCommit: (() => Promise<void>)[];
  /** Where the turn ended up, for the turn log line. */
  trace: { flow?: string; step?: string; stage?: string };
  duplicate: boolean;
}

export type Next = () => Promise<void>;
export type Middleware = (turn: Turn, next: Next) => Promise<void>;

/** koa-compose for turns: runs middlewares in order; calling `next` twice is a bug and throws. */
export function compose(middlewares: Middleware[]): (turn: Turn) => Promise<void> {
  return (turn) => {
    let lastIndex = -1;
    const dispatch = async (i: number): Promise<void> => {
      if (i <= lastIndex) throw new Error(`compose(): next() called twice in middleware #${i - 1}`);
      lastIndex = i;
      const middleware = middlewares[i];
      if (!middleware) return;
      await middleware(turn, () => dispatch(i + 1));
    };
    return dispatch(0);
  };
}
