import { texts } from '../texts';
import type { Middleware } from '../turn';
import { matchCommand } from '../commands';

/**
 * Unfollow ends the session and erases the conversation's data, as the platform asks; so does
 * the explicit "删除我的对话记录". Records with their own retention (work orders, bookings) stay.
 */
export function lifecycle(): Middleware {
  return async (turn, next) => {
    if (turn.message.kind === 'unsubscribe') {
      turn.forget = true;
      turn.trace.stage = 'unsubscribe';
      return;
    }
    if (turn.text !== undefined && matchCommand(turn.text) === 'forget') {
      turn.forget = true;
      turn.trace.stage = 'forget';
      turn.replies.push({ kind: 'text', text: texts.forgotten });
      return;
    }
    await next();
  };
}
