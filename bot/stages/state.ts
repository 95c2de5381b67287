import type { ConversationLock, Deduper, SessionStore } from '../ports';
import { SessionSchema, newSession, rememberReplies, sessionKey } from '../session';
import type { Middleware } from '../turn';

/** How long a message id is remembered: longer than any platform retry or puppet double delivery. */
export const DEDUPE_TTL_SECONDS = 600;

/** Drops a message whose id was already handled (WeChat retries, puppets delivering twice). */
export function dedupe(deduper: Deduper): Middleware {
  return async (turn, next) => {
    const first = await deduper.claim(`${turn.message.channel}:${turn.message.id}`, DEDUPE_TTL_SECONDS);
    if (!first) {
      turn.duplicate = true;
      turn.trace.stage = 'duplicate';
      return;
    }
    await next();
  };
}

/**
 * One turn at a time per conversation (FIFO across instances), with the session loaded before
 * and written back after. A turn that threw writes nothing, so a failure never half-saves state.
 */
export function conversationState(lock: ConversationLock, sessions: SessionStore, ttlSeconds: number): Middleware {
  return (turn, next) =>
    lock.run(`conv:${turn.message.conversationId}`, async () => {
      const key = sessionKey(turn.message.conversationId);
      const stored = await sessions.get(key);
      const parsed = stored === undefined ? undefined : SessionSchema.safeParse(stored);
      if (parsed && !parsed.success) turn.log.warn({ issues: parsed.error.issues.length }, 'unreadable session dropped');
      turn.session = parsed?.success ? parsed.data : newSession(turn.now);
      await next();
      if (turn.forget) return sessions.delete(key);
      if (turn.duplicate) return;
      rememberReplies(turn.session, turn.replies);
      turn.session.lastActiveAt = turn.now;
      await sessions.set(key, turn.session, ttlSeconds);
    });
}
