import type { ConversationStore } from '../ports';
import { SessionSchema, newSession, rememberReplies, sessionKey } from '../session';
import type { Middleware } from '../turn';

/** How long a message id is remembered: longer than any platform retry or puppet double delivery. */
export const DEDUPE_TTL_SECONDS = 600;

/**
 * The turn's hold on its conversation: a message already handled (WeChat retries, puppets
 * delivering twice) runs nothing; otherwise one turn at a time per conversation (FIFO across
 * instances), with the session loaded before and written back after, together with the records
 * the turn filed (`turn.records`): both or neither. A turn that threw, or whose write was not
 * applied (`TurnNotSavedError`: the store hung past the turn's lease), keeps nothing — no
 * session change, no record — and the error boundary asks the resident to send the message
 * again; so a resident is never told of a filing that did not happen, nor left without the
 * answer to one that did.
 */
export function conversationState(store: ConversationStore, ttlSeconds: number): Middleware {
  return async (turn, next) => {
    const { message } = turn;
    const keys = { claim: `${message.channel}:${message.id}`, claimTtlSeconds: DEDUPE_TTL_SECONDS, conversation: `conv:${message.conversationId}`, state: sessionKey(message.conversationId) };
    const outcome = await store.turn(keys, async (stored) => {
      const parsed = stored === undefined ? undefined : SessionSchema.safeParse(stored);
      if (parsed && !parsed.success) turn.log.warn({ issues: parsed.error.issues.length }, 'unreadable session dropped');
      turn.session = parsed?.success ? parsed.data : newSession(turn.now);
      await next();
      if (turn.forget) return { result: undefined, write: { kind: 'delete' }, records: turn.records };
      rememberReplies(turn.session, turn.replies);
      turn.session.lastActiveAt = turn.now;
      return { result: undefined, write: { kind: 'save', value: turn.session, ttlSeconds }, records: turn.records };
    });
    if (outcome.duplicate) {
      turn.duplicate = true;
      turn.trace.stage = 'duplicate';
      return;
    }
    for (const task of turn.afterCommit) {
      // The turn stands (its answer goes out); what failed here is repaired later (see bot/handoff).
      await task().catch((err: unknown) => turn.log.error({ err }, 'after-commit task failed'));
    }
  };
}
