import { isUnreadable, normalizeText } from '../normalize';
import { texts } from '../texts';
import type { Middleware } from '../turn';
import type { FlowRunner } from '../flow-runner';

export const MAX_TEXT_LENGTH = 2000;

/**
 * Reads the message's text (text, or recognised voice), normalises it, and answers what no flow
 * can use (oversize, emoji-only, empty, unrecognised voice) without touching the flow state.
 */
export function inputGuard(runner: FlowRunner): Middleware {
  return async (turn, next) => {
    const m = turn.message;
    const raw = m.kind === 'text' ? m.text : m.kind === 'voice' ? m.recognition : undefined;
    if (m.kind === 'voice' && !raw?.trim()) return refuse(texts.voiceUnrecognised);
    if (raw !== undefined) {
      if ([...raw].length > MAX_TEXT_LENGTH) return refuse(texts.tooLong(MAX_TEXT_LENGTH));
      const text = normalizeText(raw);
      // An emoji for an agent is a message like any other: the handoff gate passes it on silently.
      if (isUnreadable(text)) {
        if (turn.session.handoff) return next();
        return refuse(texts.unreadable);
      }
      turn.text = text;
    }
    await next();

    function refuse(reply: string): void {
      turn.trace.stage = 'guard';
      turn.replies.push({ kind: 'text', text: reply });
      runner.question(turn);
    }
  };
}
